/**
 * Operators pause and backfill a school's schedule with the real `temporal` CLI: a paused
 * schedule starts no runs; a backfill starts one run per missed interval.
 */
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { scheduleId } from '../../src/temporal/schedules';
import { startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment({
    configure: (config) => {
      config.schedule.interval = '2s';
    },
  });
});
after(async () => {
  await env?.client.schedule.getHandle(scheduleId(env.config.schoolId)).delete();
  await env?.close();
});

function temporal(...args: string[]): string {
  return execFileSync(process.env.TEMPORAL_CLI!, [...args, '--address', process.env.TEMPORAL_ADDRESS!], {
    encoding: 'utf8',
  });
}

async function actionsTaken(): Promise<number> {
  const description = await env.client.schedule.getHandle(scheduleId(env.config.schoolId)).describe();
  return description.info.numActionsTaken;
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

async function completedRuns(): Promise<number> {
  const row = await env.db
    .selectFrom('sync_runs')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('school_id', '=', env.config.schoolId)
    .where('status', '=', 'completed')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

test('temporal schedule toggle pauses runs and temporal schedule backfill starts them', async () => {
  const id = scheduleId(env.config.schoolId);
  const createdAt = new Date();
  assert.equal(await actionsTaken(), 0, 'the schedule was created paused');

  temporal('schedule', 'toggle', '--schedule-id', id, '--unpause', '--reason', 'test: resume');
  await waitFor(async () => (await actionsTaken()) >= 2, 'two scheduled runs');

  temporal('schedule', 'toggle', '--schedule-id', id, '--pause', '--reason', 'test: maintenance');
  const whenPaused = await actionsTaken();
  await sleep(5_000); // two and a half intervals
  assert.equal(await actionsTaken(), whenPaused, 'a paused schedule starts no run');

  // Wait for runs in flight, then backfill ten seconds before the schedule ever ran: five intervals.
  await waitFor(async () => (await completedRuns()) === whenPaused, 'scheduled runs to complete');
  const end = new Date(createdAt.getTime() - 20_000);
  const start = new Date(end.getTime() - 10_000);
  temporal(
    'schedule',
    'backfill',
    '--schedule-id',
    id,
    '--start-time',
    start.toISOString(),
    '--end-time',
    end.toISOString(),
    '--overlap-policy',
    'BufferAll',
  );
  // Buffered, the backfilled runs go one after another: generous waits for a loaded machine.
  await waitFor(async () => (await actionsTaken()) >= whenPaused + 4, 'backfilled runs', 120_000);
  await waitFor(
    async () => (await completedRuns()) >= whenPaused + 4,
    'backfilled runs to complete',
    120_000,
  );
  const description = await env.client.schedule.getHandle(id).describe();
  assert.equal(description.state.paused, true, 'backfill does not unpause the schedule');
});
