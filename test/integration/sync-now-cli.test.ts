/**
 * `npm run cli -- sync-now`: a paused schedule is not run behind the operator's back (--force
 * runs it once), and a failed run ends the command with the reason `status` shows.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { scheduleId } from '../../src/client/school-schedules';
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
  await env.client.schedule.getHandle(scheduleId(env.config.schoolId)).pause('SIS maintenance');
  const result = await syncNow();
  assert.equal(result.status, 1, result.stdout);
  assert.equal(
    result.stderr.trim(),
    `Schedule sync:${env.config.schoolId} is paused ("SIS maintenance"): no run started. Resume it, or pass --force to run once anyway.`,
  );
  assert.equal(await actionsTaken(), 0, 'no run was started');
});

test('a failed run prints the reason status shows, and exits 1', async () => {
  env.simulator.setFaults({ deniedEndpoints: ['GetUsers'] });
  try {
    const result = await syncNow('--force');
    assert.equal(result.status, 1, `${result.stdout}\n${result.stderr}`);
    assert.match(
      result.stderr,
      /Warning: schedule sync:\S+ is paused \("SIS maintenance"\); running once anyway/,
    );
    const run = await latestRun(env);
    assert.equal(run.status, 'failed');
    assert.match(run.message!, /GetUsers: the service account has no access to this endpoint \(HTTP 403\)/);
    assert.match(result.stdout, new RegExp(`Run (sync:${env.config.schoolId}-\\S+)`));
    const workflowId = /Run (\S+)/.exec(result.stdout)![1]!;
    assert.ok(
      result.stderr.includes(`Run ${workflowId} failed: ${run.message}`),
      `the reason is printed:\n${result.stderr}`,
    );
    assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace');
  } finally {
    env.simulator.setFaults({});
  }
});
