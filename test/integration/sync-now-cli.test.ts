/**
 * `npm run cli -- sync-now`: a paused schedule is not run behind the operator's back (--force
 * runs it once), and a failed run ends the command with the reason `status` shows; a run of a
 * school that is not enabled fails at once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { scheduleId } from '../../src/temporal/schedules';
import { rootCause, SyncWorkflow } from '../../src/workflows/sync';
import { runCommand } from '../support/cli-process';
import { latestRun, startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment(); // its schedule is created paused
});
after(async () => {
  await env?.client.schedule.getHandle(scheduleId(env.config.schoolId)).delete();
  await env?.close();
});

function syncNow(...args: string[]) {
  return runCommand('cli.ts', ['sync-now', '--school', env.config.schoolId, ...args], {
    DATABASE_URL: env.databaseUrl,
  });
}

async function actionsTaken(): Promise<number> {
  const description = await env.client.schedule.getHandle(scheduleId(env.config.schoolId)).describe();
  return description.info.numActionsTaken;
}

test('sync-now refuses a paused schedule unless --force, and says so', async () => {
  const schedule = env.client.schedule.getHandle(scheduleId(env.config.schoolId));
  await schedule.pause('SIS maintenance');
  const refused = await syncNow();
  assert.equal(refused.status, 1, refused.stdout);
  assert.equal(
    refused.stderr.trim(),
    `Schedule sync:${env.config.schoolId} is paused ("SIS maintenance"): no run started. Resume it, or pass --force to run once anyway.`,
  );
  assert.equal(await actionsTaken(), 0, 'no run was started');

  const forced = await syncNow('--force', '--no-wait');
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(
    forced.stderr.trim(),
    `Warning: schedule sync:${env.config.schoolId} is paused ("SIS maintenance"); running once anyway (--force).`,
  );
  assert.equal(await actionsTaken(), 1, 'one run was started');
  const workflowId = /Run (\S+)/.exec(forced.stdout)![1]!;
  await env.client.workflow.getHandle(workflowId).result();
  assert.equal((await schedule.describe()).state.paused, true, 'the schedule stays paused');
});

test('a failed run prints the reason status shows, and exits 1', async () => {
  await env.client.schedule.getHandle(scheduleId(env.config.schoolId)).unpause('test: resume');
  env.simulator.setFaults({ deniedEndpoints: ['GetUsers'] });
  try {
    const result = await syncNow();
    assert.equal(result.status, 1, `${result.stdout}\n${result.stderr}`);
    const run = await latestRun(env);
    assert.equal(run.status, 'failed');
    assert.match(run.message!, /GetUsers: the service account has no access to this endpoint \(HTTP 403\)/);
    const workflowId = /Run (\S+)/.exec(result.stdout)![1]!;
    assert.equal(result.stderr.trim(), `Run ${workflowId} failed: ${run.message}`);
  } finally {
    env.simulator.setFaults({});
  }
});

test('a run of a school that is not enabled fails at once, saying so', async () => {
  const started = Date.now();
  await assert.rejects(
    env.client.workflow.execute(SyncWorkflow, {
      taskQueue: env.taskQueue,
      workflowId: `sync:not-enabled-${Date.now()}`,
      args: [{ schoolId: 'not-enabled' }],
    }),
    (err: Error) => {
      assert.equal(
        rootCause(err),
        'School not-enabled is not enabled. Run `npm run cli -- enable --config <file>`.',
      );
      return true;
    },
  );
  assert.ok(Date.now() - started < 10_000, 'not retried');
});
