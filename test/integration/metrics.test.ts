/**
 * Prometheus metrics. The worker process (`npm run worker`, in a process of its own) serves on its
 * ops server one /metrics with the project's worker metrics and the Temporal SDK's, and they move
 * with a run as the SIS simulator and the run's own counts say; the web process counts requests by
 * route pattern and status code.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import pLimit from 'p-limit';
import { CampusCloudClient } from '../../src/campus-cloud/client';
import type { SisRequestEvent } from '../../src/campus-cloud/request-observer';
import { enableSchool } from '../../src/client/school-schedules';
import { recordTypes } from '../../src/coursekey/record-types';
import { createHttpServer } from '../../src/http/server';
import { projectRoot } from '../../src/infra/paths';
import { freePort } from '../../src/infra/ports';
import { opsServerSettings } from '../../src/workers/ops-server';
import { DEFAULT_PASSWORD, DEFAULT_USERNAME } from '../../src/simulator/server';
import { SyncWorkflow } from '../../src/workflows/sync';
import { startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
let worker: ChildProcess;
let opsUrl: string;
const taskQueue = `metrics-${randomUUID().slice(0, 8)}`;

before(async () => {
  env = await startTestEnvironment();
  const port = await freePort();
  opsUrl = `http://127.0.0.1:${port}`;
  // The production worker process, on a task queue of its own, with its ops server on a free port.
  worker = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/workers/worker.ts')], {
    cwd: projectRoot,
    env: {
      ...process.env,
      DATABASE_URL: env.databaseUrl,
      TEMPORAL_TASK_QUEUE: taskQueue,
      OPS_PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Its log is shown only when it does not start.
  let log = '';
  worker.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  for (let tries = 0; ; tries++) {
    const alive = await fetch(`${opsUrl}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (alive) break;
    if (tries > 300 || worker.exitCode !== null) throw new Error(`the worker process did not start:\n${log}`);
    await sleep(100);
  }
});

after(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill('SIGTERM');
    await once(worker, 'exit');
  }
  await env?.close();
});

/** The value of one sample of a Prometheus text exposition; 0 when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value)) return Number(match[3]);
  }
  return 0;
}

async function scrapeWorker(): Promise<string> {
  const response = await fetch(`${opsUrl}/metrics`);
  assert.equal(response.status, 200);
  return response.text();
}

async function runSyncOnWorker() {
  return env.client.workflow.execute(SyncWorkflow, {
    taskQueue,
    workflowId: `sync:${env.config.schoolId}-metrics-${Date.now()}`,
    args: [{ schoolId: env.config.schoolId }],
  });
}

test('a failed run: counted as failed, with the refused SIS request and one consecutive failure', async () => {
  const school = env.config.schoolId;
  const before = await scrapeWorker();
  env.simulator.setFaults({ deniedEndpoints: ['GetTerm'] });
  await assert.rejects(runSyncOnWorker());
  env.simulator.setFaults({});
  const after = await scrapeWorker();

  const runs = { school_id: school, kind: 'sync', result: 'failed' };
  assert.equal(
    sample(after, 'coursekey_sync_runs_total', runs) - sample(before, 'coursekey_sync_runs_total', runs),
    1,
  );
  const denied = { school_id: school, endpoint: 'GetTerm', outcome: 'http_4xx' };
  assert.ok(sample(after, 'coursekey_sync_sis_requests_total', denied) >= 1);
  assert.equal(sample(after, 'coursekey_sync_consecutive_failures', { school_id: school }), 1);
});

test('a run moves the worker metrics as the SIS and the run count them, beside the Temporal SDK metrics', async () => {
  const school = env.config.schoolId;
  const before = await scrapeWorker();
  env.simulator.resetStats();
  // One request in ten answered 503: each is counted, then retried within the request.
  env.simulator.setFaults({ errorRate: 0.1, seed: 3 });
  const result = await runSyncOnWorker();
  env.simulator.setFaults({});
  const stats = env.simulator.getStats();
  const after = await scrapeWorker();
  const delta = (name: string, labels: Record<string, string>) =>
    sample(after, name, labels) - sample(before, name, labels);

  assert.equal(result.status, 'completed');
  // Every request the SIS saw, by endpoint: the answered ones as ok, the injected 503s as http_5xx.
  assert.ok((stats.byEndpoint.GetTermSchedule ?? 0) > 0);
  assert.ok((stats.byStatus['503'] ?? 0) > 0, 'the fault injection answered some requests 503');
  let ok = 0;
  let serverErrors = 0;
  for (const [endpoint, requests] of Object.entries(stats.byEndpoint)) {
    const okHere = delta('coursekey_sync_sis_requests_total', { school_id: school, endpoint, outcome: 'ok' });
    const errorsHere = delta('coursekey_sync_sis_requests_total', {
      school_id: school,
      endpoint,
      outcome: 'http_5xx',
    });
    assert.equal(okHere + errorsHere, requests, endpoint);
    assert.equal(
      delta('coursekey_sync_sis_request_duration_seconds_count', { endpoint }),
      requests,
      endpoint,
    );
    ok += okHere;
    serverErrors += errorsHere;
  }
  assert.equal(ok, stats.byStatus['200']);
  assert.equal(serverErrors, stats.byStatus['503']);

  // Rows written: the run's own counts, per record type and operation.
  assert.ok(result.counts.courses.created > 0);
  for (const recordType of recordTypes) {
    for (const operation of ['created', 'updated', 'deactivated'] as const) {
      assert.equal(
        delta('coursekey_sync_rows_written_total', { record_type: recordType, operation }),
        result.counts[recordType][operation],
        `${recordType} ${operation}`,
      );
    }
  }
  const completed = { kind: 'sync', result: 'completed' };
  assert.equal(delta('coursekey_sync_runs_total', { school_id: school, ...completed }), 1);
  assert.equal(delta('coursekey_sync_run_duration_seconds_count', completed), 1);
  assert.equal(sample(after, 'coursekey_sync_consecutive_failures', { school_id: school }), 0);
  assert.ok(result.posting.accepted > 0);
  assert.equal(
    delta('coursekey_sync_attendance_records_total', { outcome: 'accepted' }),
    result.posting.accepted,
  );
  assert.equal(
    delta('coursekey_sync_attendance_records_total', { outcome: 'rejected' }),
    result.posting.rejected,
  );
  assert.equal(delta('coursekey_sync_last_dates_attended_posted_total', {}), result.posting.lastDatesPosted);

  // The Temporal SDK's own metrics, in the same scrape, after Prometheus's conventions.
  assert.ok(sample(after, 'temporal_workflow_completed_total') >= 1, 'temporal_workflow_completed_total');
  assert.match(after, /^temporal_activity_execution_latency_seconds_bucket\{/m);
  // Ids only: no person's email or name reaches the metrics.
  const student = env.simulator.getDataset().students.find((s) => s.email)!;
  assert.ok(!after.includes(student.email!) && !after.includes(`${student.firstName} ${student.lastName}`));
});

test('deactivations a run holds back for approval are counted per school and record type', async () => {
  // A third of the enrollments dropped at once is above the safety threshold; nobody approves.
  const config = { ...env.config, safety: { ...env.config.safety, approvalWait: '1s' } };
  await enableSchool(env.db, env.client, config, { taskQueue: env.taskQueue, paused: true });
  const dataset = env.simulator.getDataset();
  Object.entries(dataset.enrollments).forEach(([scheduledCourseId, list]) =>
    list
      .filter((enrollment, index) => enrollment.status === 'Registered' && index % 3 === 0)
      .forEach(({ studentId }) =>
        env.simulator.mutate({ op: 'setEnrollmentStatus', scheduledCourseId, studentId, status: 'Dropped' }),
      ),
  );
  const labels = { school_id: env.config.schoolId, record_type: 'course_members' };
  const before = sample(await scrapeWorker(), 'coursekey_sync_deactivations_held_total', labels);
  const result = await runSyncOnWorker();
  const after = sample(await scrapeWorker(), 'coursekey_sync_deactivations_held_total', labels);

  assert.ok((result.held.course_members ?? 0) > 0, 'the run held the drops');
  assert.equal(after - before, result.held.course_members);
});

test('the SIS client reports each exchange: ok, 4xx, 429, 5xx, timeout, network, and a request the open circuit refused', async () => {
  const events: SisRequestEvent[] = [];
  const client = (baseUrl = env.simulator.url) =>
    new CampusCloudClient({
      baseUrl,
      username: DEFAULT_USERNAME,
      password: DEFAULT_PASSWORD,
      timeoutMs: 2_000,
      limit: pLimit(4),
      tries: 1,
      observe: (event) => events.push(event),
    });
  const outcomes = () => events.splice(0).map((event) => `${event.endpoint} ${event.outcome}`);
  const sis = client();
  const campus = env.config.campusId;
  await sis.getUsers(campus, 1, 10);
  // Each exchange that reached the SIS carries its duration.
  assert.ok(events.every((event) => typeof event.seconds === 'number' && event.seconds > 0));
  assert.deepEqual(outcomes(), ['Authenticate ok', 'GetUsers ok']);
  await assert.rejects(sis.getEnrollment('no-such-section', 1, 10));
  assert.deepEqual(outcomes(), ['GetEnrollment http_4xx']);
  try {
    env.simulator.setFaults({ rateLimitRate: 1, retryAfterSeconds: 30 });
    await assert.rejects(sis.getUsers(campus, 1, 10));
    assert.deepEqual(outcomes(), ['GetUsers http_429']);
    env.simulator.setFaults({ timeoutRate: 1, timeoutMs: 4_000 });
    await assert.rejects(sis.getUsers(campus, 1, 10));
    assert.deepEqual(outcomes(), ['GetUsers timeout']);
    env.simulator.setFaults({ errorRate: 1 });
    await assert.rejects(sis.getUsers(campus, 1, 10));
    assert.deepEqual(outcomes(), ['GetUsers http_5xx']);
    // A dead SIS: once nearly every recent request failed, the circuit refuses without asking.
    await Promise.allSettled(Array.from({ length: 24 }, (_, i) => sis.getUsers(campus, i + 1, 10)));
    events.splice(0);
    await assert.rejects(sis.getUsers(campus, 1, 10), /failed nearly every recent request/);
    assert.deepEqual(events, [{ endpoint: 'GetUsers', outcome: 'circuit_open' }]);
    events.splice(0);
  } finally {
    env.simulator.setFaults({});
  }
  await assert.rejects(client(`http://127.0.0.1:${await freePort()}/api`).getUsers(campus, 1, 10));
  assert.deepEqual(outcomes(), ['Authenticate network']);
});

test("the web process counts requests by route pattern and status code, never by a URL's ids", async () => {
  const app: FastifyInstance = await createHttpServer({ db: env.db, temporalUiUrl: 'http://ui.test' });
  try {
    const scrape = async () => (await app.inject({ method: 'GET', url: '/metrics' })).body;
    const before = await scrape();
    for (let i = 0; i < 2; i++) {
      assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    }
    const attendanceUrl = `/api/v1/schools/${env.config.schoolId}/courses/SC-4711/attendance`;
    assert.equal((await app.inject({ method: 'GET', url: attendanceUrl })).statusCode, 401);
    assert.equal((await app.inject({ method: 'GET', url: '/no/such/page' })).statusCode, 404);
    const after = await scrape();
    const delta = (labels: Record<string, string>) =>
      sample(after, 'coursekey_http_requests_total', labels) -
      sample(before, 'coursekey_http_requests_total', labels);

    assert.equal(delta({ method: 'GET', route: '/healthz', status_code: '200' }), 2);
    const attendanceRoute = '/api/v1/schools/:schoolId/courses/:courseId/attendance';
    assert.equal(delta({ method: 'GET', route: attendanceRoute, status_code: '401' }), 1);
    assert.equal(delta({ method: 'GET', route: 'unmatched', status_code: '404' }), 1);
    assert.equal(
      sample(after, 'coursekey_http_request_duration_seconds_count', {
        method: 'GET',
        route: '/healthz',
        status_code: '200',
      }) -
        sample(before, 'coursekey_http_request_duration_seconds_count', {
          method: 'GET',
          route: '/healthz',
          status_code: '200',
        }),
      2,
    );
    assert.ok(
      !after.includes(env.config.schoolId) && !after.includes('SC-4711') && !after.includes('/no/such'),
    );
  } finally {
    await app.close();
  }
});

test('with METRICS_TOKEN set, /metrics asks for it as a bearer token', async () => {
  process.env.METRICS_TOKEN = 'scrape-secret';
  const app = await createHttpServer({ db: env.db, temporalUiUrl: 'http://ui.test' }).finally(
    () => delete process.env.METRICS_TOKEN,
  );
  try {
    assert.equal((await app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
    const wrong = { authorization: 'Bearer guess' };
    assert.equal((await app.inject({ method: 'GET', url: '/metrics', headers: wrong })).statusCode, 401);
    const right = { authorization: 'Bearer scrape-secret' };
    const response = await app.inject({ method: 'GET', url: '/metrics', headers: right });
    assert.equal(response.statusCode, 200);
    assert.match(response.body, /^# TYPE coursekey_http_requests_total counter$/m);
  } finally {
    await app.close();
  }
});

test('OPS_PORT: a port, `off`, or an error that names the variable and the fix', () => {
  assert.deepEqual(opsServerSettings({}), { host: '127.0.0.1', port: 9464 });
  assert.deepEqual(opsServerSettings({ OPS_PORT: '9100', HOST: '0.0.0.0' }), { host: '0.0.0.0', port: 9100 });
  assert.equal(opsServerSettings({ OPS_PORT: 'off' }), undefined);
  assert.throws(() => opsServerSettings({ OPS_PORT: 'metrics' }), /OPS_PORT is "metrics": set a port number/);
});
