/**
 * The service survives its parts failing under it: PostgreSQL restarting mid-run, a worker killed
 * during the roster batches. Each run completes with the same rows as a run nobody disturbed.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/infra/embedded-postgres';
import { freePort } from '../../src/infra/ports';
import { generateDataset } from '../../src/simulator/generate';
import { SyncWorkflow } from '../../src/workflows/sync';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { rosterChecksum } from '../support/roster-queries';
import { spawnWorker, stopWorker } from '../support/spawn-worker';

const dataset = () => generateDataset({ preset: 'small', seed: 21 });
let clean: TestEnvironment;
let cleanChecksum: string;
const workers: ChildProcess[] = [];
const environments: TestEnvironment[] = [];

before(async () => {
  clean = await startTestEnvironment({ dataset: dataset(), schoolId: 'faults-clean' });
  environments.push(clean);
  assert.equal((await runSync(clean)).status, 'completed');
  cleanChecksum = await rosterChecksum(clean.db, 'faults-clean', true);
});
after(async () => {
  workers.forEach(stopWorker);
  await Promise.all(environments.map((env) => env.close()));
});

async function worker(env: TestEnvironment, taskQueue: string): Promise<ChildProcess> {
  const child = await spawnWorker(env.databaseUrl, taskQueue);
  workers.push(child);
  return child;
}

/** Starts a run on `taskQueue` and waits until the SIS has answered `requests` of `endpoint`. */
async function startRunUntil(env: TestEnvironment, taskQueue: string, endpoint: string, requests: number) {
  env.simulator.resetStats();
  const handle = await env.client.workflow.start(SyncWorkflow, {
    taskQueue,
    workflowId: `sync:${env.config.schoolId}-fault-${Date.now()}`,
    args: [{ schoolId: env.config.schoolId }],
  });
  while ((env.simulator.getStats().byEndpoint[endpoint] ?? 0) < requests) await sleep(20);
  return handle;
}

test('PostgreSQL stopped for 20 s mid-run: the worker stays up, reconnects, and the run completes', async () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'coursekey-pg-restart-'));
  const pgOptions = { dataDir: path.join(scratch, 'pg'), port: await freePort(), throwaway: true };
  let postgres: RunningPostgres | undefined = await startEmbeddedPostgres(pgOptions);
  try {
    const env = await startTestEnvironment({
      dataset: dataset(),
      schoolId: 'faults-pg-restart',
      postgresUrl: postgres.url,
    });
    environments.push(env);
    const taskQueue = `pg-restart-${Date.now()}`;
    const child = await worker(env, taskQueue);
    env.simulator.setFaults({ latencyMs: 40 });
    const handle = await startRunUntil(env, taskQueue, 'GetScheduledCourse', 10);

    await postgres.stop();
    postgres = undefined;
    await sleep(20_000);
    assert.equal(child.exitCode, null, 'the worker is still running with PostgreSQL down');
    postgres = await startEmbeddedPostgres(pgOptions);
    env.simulator.setFaults({});

    const result = await handle.result();
    assert.equal(result.status, 'completed');
    assert.equal(child.exitCode, null, 'the worker is still running after PostgreSQL came back');
    assert.equal(await rosterChecksum(env.db, 'faults-pg-restart', true), cleanChecksum);
  } finally {
    await postgres?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
});

test('a worker killed during the roster batches: a new worker completes the run within a minute', async () => {
  const env = await startTestEnvironment({ dataset: dataset(), schoolId: 'faults-sigkill' });
  environments.push(env);
  const taskQueue = `sigkill-${Date.now()}`;
  const first = await worker(env, taskQueue);
  env.simulator.setFaults({ latencyMs: 60 });
  const handle = await startRunUntil(env, taskQueue, 'GetEnrollment', 5);
  first.kill('SIGKILL');
  await once(first, 'exit');
  env.simulator.setFaults({});

  await worker(env, taskQueue);
  const restartedAt = Date.now();
  const result = await handle.result();
  const recoverySeconds = (Date.now() - restartedAt) / 1000;
  assert.equal(result.status, 'completed');
  assert.ok(recoverySeconds < 60, `completed ${recoverySeconds.toFixed(1)} s after the new worker started`);
  assert.equal(await rosterChecksum(env.db, 'faults-sigkill', true), cleanChecksum);
});
