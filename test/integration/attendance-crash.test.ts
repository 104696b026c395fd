import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { insertCheckIns } from '../../src/db/check-ins';
import { generateCheckIns } from '../../src/simulator/generate-check-ins';
import { SyncWorkflow } from '../../src/workflows/sync';
import { computedAttendance } from '../support/computed-attendance';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { spawnWorker, stopWorker } from '../support/spawn-worker';

let env: TestEnvironment;
const workers: ChildProcess[] = [];
before(async () => {
  env = await startTestEnvironment();
});
after(async () => {
  workers.forEach(stopWorker);
  await env?.close();
});

async function startWorker(taskQueue: string): Promise<ChildProcess> {
  const child = await spawnWorker(env.databaseUrl, taskQueue);
  workers.push(child);
  return child;
}

const recordKey = (r: { studentId?: string; scheduledCourseId?: string; date?: string; type?: string }) =>
  `${r.studentId}|${r.scheduledCourseId}|${r.date}|${r.type}`;

test('a worker killed with SIGKILL mid-posting is replaced; the run completes and nothing is posted twice beyond the call in flight', async () => {
  // First run: every closed session posted as absent. Then the check-ins change thousands of records.
  await runSync(env);
  const checkIns = generateCheckIns(env.simulator.getDataset(), env.config, { now: new Date(), seed: 5 });
  await insertCheckIns(env.db, env.config.schoolId, checkIns);
  const callsBefore = env.simulator.getCalls().length;

  const taskQueue = `crash-${randomUUID().slice(0, 8)}`;
  let worker = await startWorker(taskQueue);
  // Slow the SIS so the posting spans many seconds.
  env.simulator.setFaults({ latencyMs: 150 });
  const handle = await env.client.workflow.start(SyncWorkflow, {
    taskQueue,
    workflowId: `sync:${env.config.schoolId}-crash-${Date.now()}`,
    args: [{ schoolId: env.config.schoolId }],
  });
  while (env.simulator.getCalls().length < callsBefore + 3) await sleep(20);
  worker.kill('SIGKILL');
  await once(worker, 'exit');
  const callsAtKill = env.simulator.getCalls().length;

  worker = await startWorker(taskQueue);
  const result = await handle.result();
  env.simulator.setFaults({});
  assert.equal(result.status, 'completed');
  const calls = env.simulator.getCalls().slice(callsBefore);
  assert.ok(calls.length > callsAtKill - callsBefore + 1, 'posting went on after the kill');

  // The SIS holds exactly what CourseKey computed.
  const expected = new Map(
    (await computedAttendance(env, new Date(result.posting.asOf))).map((r) => [
      recordKey(r),
      `${r.attendedMinutes}/${r.absentMinutes}`,
    ]),
  );
  const sis = new Map(
    env.simulator
      .getAttendance()
      .records.map((r) => [recordKey(r), `${r.attendedMinutes}/${r.absentMinutes}`]),
  );
  assert.equal(sis.size, expected.size);
  assert.deepEqual(sis, expected);

  // Records sent more than once in this run all come from one call: the one in flight at the kill.
  const sentIn = new Map<string, number[]>();
  calls.forEach((call, index) => {
    for (const record of call.records)
      sentIn.set(recordKey(record), [...(sentIn.get(recordKey(record)) ?? []), index]);
  });
  const repeated = [...sentIn.values()].filter((indexes) => indexes.length > 1);
  assert.ok(
    repeated.every((indexes) => indexes.length === 2),
    'no record sent three times',
  );
  const firstSends = new Set(repeated.map((indexes) => indexes[0]));
  assert.ok(firstSends.size <= 1, `repeats come from one call, not ${firstSends.size}`);
  assert.ok(repeated.length <= 500);
  const recordCalls = calls.filter((call) => call.records.length > 0).length;
  assert.ok(recordCalls >= 8, `a large batch set (${recordCalls} calls)`);
  worker.kill('SIGTERM');
  await once(worker, 'exit');
});
