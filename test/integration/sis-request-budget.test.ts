/**
 * A school's `sis.maxConcurrentRequests` is the most requests its SIS sees in flight, whatever the
 * number of worker processes (src/db/sis-request-slots.ts); a worker killed while holding slots
 * blocks the school no longer than the slots' lease.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { CampusCloudClient } from '../../src/campus-cloud/client';
import {
  KEEP_IDLE_MS,
  SisRequestSlots,
  SLOT_LEASE_MS,
  SlotLeaseLapsedError,
} from '../../src/db/sis-request-slots';
import { generateDataset } from '../../src/simulator/generate';
import { DEFAULT_PASSWORD, DEFAULT_USERNAME } from '../../src/simulator/server';
import { SyncWorkflow } from '../../src/workflows/sync';
import { startTestEnvironment, type TestEnvironment } from '../support/environment';
import { spawnWorker, stopWorker } from '../support/spawn-worker';

const BUDGET = 2;
const schoolId = 'sis-budget';
let env: TestEnvironment;
const workers: ChildProcess[] = [];

before(async () => {
  env = await startTestEnvironment({
    dataset: generateDataset({ preset: 'small', seed: 31 }),
    schoolId,
    configure: (config) => {
      config.sis.maxConcurrentRequests = BUDGET;
      // Many small pages: the run's page activities go side by side, on both workers.
      config.sis.pageSize = 10;
    },
  });
});
after(async () => {
  workers.forEach(stopWorker);
  await env.close();
});

async function worker(taskQueue: string): Promise<ChildProcess> {
  const child = await spawnWorker(env.databaseUrl, taskQueue, { spreadActivities: true });
  workers.push(child);
  return child;
}

function startRun(taskQueue: string) {
  return env.client.workflow.start(SyncWorkflow, {
    taskQueue,
    workflowId: `sync:${schoolId}-${taskQueue}`,
    args: [{ schoolId }],
  });
}

async function heldSlots(school = schoolId): Promise<number> {
  const { count } = await env.db
    .selectFrom('sis_request_slots')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('school_id', '=', school)
    .where('holder', 'is not', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** Polls until no slot of `school` is held (or `withinMs` pass): the hand-back is a timer. */
async function untilNoSlotsHeld(school: string, withinMs: number): Promise<void> {
  const deadline = performance.now() + withinMs;
  while ((await heldSlots(school)) > 0 && performance.now() < deadline) await sleep(20);
}

test('two workers on one task queue: the SIS never has more than maxConcurrentRequests in flight', async (t) => {
  const taskQueue = `budget-two-${Date.now()}`;
  await Promise.all([worker(taskQueue), worker(taskQueue)]);
  // Slow answers, so requests from the two workers would overlap if nothing held them apart.
  env.simulator.setFaults({ latencyMs: 25 });
  env.simulator.resetStats();
  const result = await (await startRun(taskQueue)).result();
  env.simulator.setFaults({});
  const stats = env.simulator.getStats();
  t.diagnostic(`${stats.total} requests, peak ${stats.peakInFlight} in flight`);

  assert.equal(result.status, 'completed');
  assert.ok(stats.total > 100, `${stats.total} SIS requests`);
  assert.ok(stats.peakInFlight > 1, `requests went side by side (peak ${stats.peakInFlight})`);
  assert.ok(
    stats.peakInFlight <= BUDGET,
    `peak ${stats.peakInFlight} requests in flight, more than the school's ${BUDGET}`,
  );
  assert.ok((stats.peakInFlightByCampus.MAIN ?? 0) <= BUDGET);
  // Slots no try uses are kept KEEP_IDLE_MS for the next request, then given back.
  await untilNoSlotsHeld(schoolId, KEEP_IDLE_MS + 2_000);
  assert.equal(await heldSlots(), 0, 'every slot was given back');
});

test('two processes sharing a school (two limiters on one database) stay within its slots', async () => {
  const processes = [
    new SisRequestSlots(env.db, 'shared-school', BUDGET),
    new SisRequestSlots(env.db, 'shared-school', BUDGET),
  ];
  let inFlight = 0;
  let peak = 0;
  const request = async () => {
    peak = Math.max(peak, ++inFlight);
    await sleep(10);
    inFlight--;
  };
  await Promise.all(processes.flatMap((slots) => Array.from({ length: 20 }, () => slots.run(request))));
  assert.equal(peak, BUDGET);
});

test('tries one after another reuse the slot they hold, and give it back once idle', async () => {
  const school = 'reuse-school';
  const slots = new SisRequestSlots(env.db, school, 2);
  const holders: string[] = [];
  for (let i = 0; i < 10; i++) {
    await slots.run(async () => {
      const row = await env.db
        .selectFrom('sis_request_slots')
        .select('holder')
        .where('school_id', '=', school)
        .where('holder', 'is not', null)
        .executeTakeFirstOrThrow();
      holders.push(row.holder!);
    });
  }
  const lastTry = performance.now();
  assert.equal(new Set(holders).size, 1, 'one claim served the ten tries');
  // Kept a moment for the next try, then given back: polled, so a slow machine cannot fail it.
  await untilNoSlotsHeld(school, KEEP_IDLE_MS + 5_000);
  assert.equal(await heldSlots(school), 0, 'given back once no try used it');
  assert.ok(performance.now() - lastTry >= KEEP_IDLE_MS - 50, 'kept for the next try until idle');
});

test('a try longer than the lease keeps its slot; a try whose lease was lost is aborted', async () => {
  const school = 'lease-school';
  const slots = new SisRequestSlots(env.db, school, 1);
  const other = new SisRequestSlots(env.db, school, 1);
  let otherRan = false;
  let otherTry: Promise<boolean> | undefined;
  await slots.run(async (signal) => {
    otherTry = other.run(async () => (otherRan = true));
    await sleep(SLOT_LEASE_MS + 1_500);
    assert.equal(signal?.aborted, false, 'renewed, not aborted');
    assert.equal(otherRan, false, 'the other process waited for the renewed slot');
  });
  assert.equal(await otherTry, true, 'the other process had the slot once it was given back');

  let started = false;
  const lost = slots.run(
    (signal) =>
      new Promise((resolve) => {
        started = true;
        signal!.addEventListener('abort', () => resolve(signal!.reason));
      }),
  );
  while (!started) await sleep(20);
  // As if the lease had run out and another process had taken the slot.
  await env.db
    .updateTable('sis_request_slots')
    .set({ holder: 'another process' })
    .where('school_id', '=', school)
    .execute();
  const reason = await Promise.race([lost, sleep(10_000, 'not aborted within 10 s')]);
  assert.ok(reason instanceof SlotLeaseLapsedError, String(reason));
});

test('a request waiting out a Retry-After holds none of the school’s slots', async () => {
  const school = 'retry-after-school';
  const sis = new CampusCloudClient({
    baseUrl: env.simulator.url,
    username: DEFAULT_USERNAME,
    password: DEFAULT_PASSWORD,
    timeoutMs: 2_000,
    limit: new SisRequestSlots(env.db, school, 1).run,
  });
  env.simulator.resetStats();
  env.simulator.setFaults({ rateLimitRate: 1, retryAfterSeconds: 5 });
  const request = sis.getUsers('MAIN', 1, 10);
  while (!env.simulator.getStats().byStatus['429']) await sleep(20);
  await untilNoSlotsHeld(school, 3_000);
  assert.equal(await heldSlots(school), 0, 'no slot held during the Retry-After wait');
  env.simulator.setFaults({});
  assert.equal((await request).items.length, 10);
});

test('a worker killed while holding the school’s slots blocks it no longer than their lease', async (t) => {
  const taskQueue = `budget-kill-${Date.now()}`;
  const first = await worker(taskQueue);
  // Each request takes 1.5 s (the tests' request timeout is 2 s): the worker holds both slots.
  env.simulator.setFaults({ latencyMs: 1_500 });
  const handle = await startRun(taskQueue);
  const deadline = Date.now() + 30_000;
  while ((await heldSlots()) < BUDGET) {
    assert.ok(Date.now() < deadline, 'the worker never held both of the school’s slots');
    await sleep(50);
  }
  first.kill('SIGKILL');
  await once(first, 'exit');
  const killedAt = performance.now();
  env.simulator.setFaults({});

  // Another process asks for both of the school's slots: it has them once the leases ran out.
  const slots = new SisRequestSlots(env.db, schoolId, BUDGET);
  const waits = await Promise.all([0, 1].map(() => slots.run(async () => performance.now() - killedAt)));
  const longest = Math.max(...waits);
  t.diagnostic(`slots free ${waits.map((wait) => wait.toFixed(0)).join(' and ')} ms after the kill`);
  assert.ok(longest > 2_000, `the killed worker's slots were held until their lease ran out (${longest} ms)`);
  assert.ok(longest < SLOT_LEASE_MS + 2_500, `both slots free ${longest.toFixed(0)} ms after the kill`);

  await worker(taskQueue);
  assert.equal((await handle.result()).status, 'completed');
});
