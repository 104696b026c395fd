/**
 * `npm run worker` + `npm run web`, started as an operator would (environment variables only),
 * against the test run's Temporal and a fresh PostgreSQL database: the worker migrates and syncs a
 * school, the web process serves /healthz, /readyz, the dashboard (an admin made with the CLI signs
 * in) and the CourseKey API (a key made with the CLI); both log JSON lines without personal data,
 * and SIGTERM stops both with exit code 0 within the worker's shutdown grace. A bad variable stops
 * a process with one line.
 */
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { enableSchool } from '../../src/client/school-schedules';
import { loadSchoolConfig } from '../../src/config/load-school-config';
import { createDb } from '../../src/db/connection';
import { projectRoot } from '../../src/infra/paths';
import { generateDataset } from '../../src/simulator/generate';
import {
  createSimulator,
  DEFAULT_PASSWORD,
  DEFAULT_USERNAME,
  type Simulator,
} from '../../src/simulator/server';
import { postingWorkflowId, rosterWorkflowId, SyncWorkflow } from '../../src/workflows/sync';
import { runCommand } from '../support/cli-process';
import { createEmptyTestDatabase } from '../support/environment';
import { startService, stopService, type ServiceProcess } from '../support/service-process';

const GRACE_SECONDS = 5;
const schoolId = `svc-${randomUUID().slice(0, 8)}`;
const taskQueue = `test-${schoolId}`;
const dataset = generateDataset({ preset: 'small', seed: 11 });
let simulator: Simulator;
let connection: Connection;
let client: Client;
let env: Record<string, string>;
let worker: ServiceProcess | undefined;
let web: ServiceProcess | undefined;

before(async () => {
  simulator = await createSimulator({ dataset });
  connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  client = new Client({ connection });
  env = {
    DATABASE_URL: await createEmptyTestDatabase(),
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS!,
    TEMPORAL_TASK_QUEUE: taskQueue,
    TEMPORAL_UI_URL: 'http://temporal-ui.test:8233',
    HOST: '127.0.0.1',
    PORT: '0',
    WORKER_SHUTDOWN_GRACE: `${GRACE_SECONDS}s`,
    WORKER_MAX_CONCURRENT_ACTIVITIES: '8',
    LOG_LEVEL: 'info',
    DEMO_SIS_USERNAME: DEFAULT_USERNAME,
    DEMO_SIS_PASSWORD: DEFAULT_PASSWORD,
  };
});

after(async () => {
  // A test that failed half-way still leaves no process behind.
  for (const service of [worker, web]) {
    if (service && service.child.exitCode === null && service.child.signalCode === null) {
      const killer = setTimeout(() => service.child.kill('SIGKILL'), 30_000);
      await stopService(service);
      clearTimeout(killer);
    }
  }
  await connection.close();
  await simulator.close();
});

test('npm run worker and npm run web serve the dashboard and the API; SIGTERM stops both with 0', async () => {
  worker = startService('worker', env);
  web = startService('web', env);
  const listening = await web.waitForLine((line) => typeof line.url === 'string');
  const base = listening.url as string;
  await worker.waitForLine((line) => String(line.msg).startsWith('worker polling'), 120_000);

  const health = await fetch(`${base}/healthz`);
  assert.equal(health.status, 200);
  // The web process applies no migration: ready once the worker has applied them.
  let ready = await fetch(`${base}/readyz`);
  for (let tries = 0; ready.status !== 200 && tries < 30; tries++) {
    await sleep(500);
    ready = await fetch(`${base}/readyz`);
  }
  assert.equal(ready.status, 200, await ready.clone().text());
  assert.deepEqual(await ready.json(), {
    ready: true,
    checks: { database: 'ok', migrations: 'ok', temporal: 'ok' },
  });

  // A school, synced by the worker process.
  const db = createDb(env.DATABASE_URL, 2);
  try {
    const config = loadSchoolConfig(`${projectRoot}/config/schools/demo.json`);
    config.schoolId = schoolId;
    config.sis.baseUrl = simulator.url;
    await enableSchool(db, client, config, { taskQueue, paused: true });
  } finally {
    await db.destroy();
  }
  const summary = await client.workflow.execute(SyncWorkflow, {
    taskQueue,
    workflowId: `sync:${schoolId}-processes-test`,
    args: [{ schoolId }],
  });
  assert.ok(summary.counts.courses.created > 0, 'the worker process synced courses');
  // Posting's activities too have a heartbeat timeout a paused process or a distant Temporal survives.
  const posting = await client.workflow
    .getHandle(postingWorkflowId(`sync:${schoolId}-processes-test`))
    .fetchHistory();
  const heartbeatTimeouts = (posting.events ?? [])
    .map((event) => event.activityTaskScheduledEventAttributes?.heartbeatTimeout?.seconds)
    .filter((seconds) => seconds != null)
    .map(Number);
  assert.ok(heartbeatTimeouts.length > 0, 'posting scheduled activities');
  assert.ok(
    heartbeatTimeouts.every((seconds) => seconds >= 10 && seconds <= 20),
    `heartbeat timeouts ${heartbeatTimeouts}`,
  );

  // An admin and an API key, made with the operator CLI: the web process creates none.
  const cliEnv = { DATABASE_URL: env.DATABASE_URL!, TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS! };
  const passwordFile = path.join(mkdtempSync(path.join(os.tmpdir(), 'admin-')), 'password');
  writeFileSync(passwordFile, 'a long enough password 42\n');
  const admin = await runCommand(
    'cli.ts',
    ['admin', 'create', '--email', 'ops@school.test', '--school', schoolId, '--password-file', passwordFile],
    cliEnv,
  );
  assert.equal(admin.status, 0, admin.stderr);
  const created = await runCommand('cli.ts', ['api-key', 'create', '--school', schoolId], cliEnv);
  assert.equal(created.status, 0, created.stderr);
  const key = created.stdout.trim().split('\n').at(-1)!;

  const runs = await fetch(`${base}/api/v1/schools/${schoolId}/runs`, {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(runs.status, 200);
  const body = (await runs.json()) as { runs: { workflowId: string; status: string }[] };
  assert.deepEqual(
    body.runs.map((run) => [run.workflowId, run.status]),
    [[`sync:${schoolId}-processes-test`, 'completed']],
  );

  const signInPage = await fetch(`${base}/dashboard/sign-in`);
  assert.equal(signInPage.status, 200);
  const html = await signInPage.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  assert.ok(csrf, 'the sign-in form');
  const formCookie = signInPage.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
  const signedIn = await fetch(`${base}/dashboard/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: formCookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      email: 'ops@school.test',
      password: 'a long enough password 42',
      _csrf: csrf,
      next: `/dashboard/schools/${schoolId}`,
    }),
  });
  assert.equal(signedIn.status, 303, await signedIn.text());
  const session = signedIn.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
  const overview = await fetch(`${base}/dashboard/schools/${schoolId}`, { headers: { cookie: session } });
  assert.equal(overview.status, 200);
  const workflowLink = encodeURIComponent(`sync:${schoolId}-processes-test`);
  assert.ok((await overview.text()).includes(workflowLink), 'the run is on the dashboard');

  const [workerStop, webStop] = await Promise.all([stopService(worker), stopService(web)]);
  assert.deepEqual(
    [workerStop.code, workerStop.signal],
    [0, null],
    `worker exit\n${worker.stderr()}\n${JSON.stringify(worker.lines.slice(-4))}`,
  );
  assert.deepEqual([webStop.code, webStop.signal], [0, null], `web exit\n${web.stderr()}`);
  assert.ok(workerStop.ms < (GRACE_SECONDS + 10) * 1000, `the worker stopped in ${workerStop.ms} ms`);
  assert.ok(webStop.ms < 10_000, `the web process stopped in ${webStop.ms} ms`);

  // Logs: JSON lines only, a request log on the web process, no person's data nor secrets.
  for (const [name, service] of [
    ['worker', worker],
    ['web', web],
  ] as const) {
    assert.deepEqual(
      service.lines.filter((line) => 'notJson' in line),
      [],
      `${name} writes JSON lines only`,
    );
    assert.ok(
      service.lines.some((line) => line.msg === 'stopped'),
      `${name} logged its stop`,
    );
  }
  assert.ok(
    web.lines.some(
      (line) =>
        line.msg === 'request completed' && (line.req as { path?: string } | undefined)?.path === '/readyz',
    ) || web.lines.some((line) => (line.res as { statusCode?: number } | undefined)?.statusCode === 200),
    'the web process logs requests',
  );
  const logs = JSON.stringify([...worker.lines, ...web.lines]);
  for (const secret of [key, 'a long enough password 42', DEFAULT_PASSWORD, 'ops@school.test']) {
    assert.ok(!logs.includes(secret), `${secret} is not logged`);
  }
  for (const person of dataset.students.slice(0, 50)) {
    if (person.email) assert.ok(!logs.includes(person.email), 'no student email in the logs');
  }
});

test('a bad variable stops a process at once with one line naming it', async () => {
  const badWeb = startService('web', { ...env, PORT: 'eighty' });
  const badWorker = startService('worker', { ...env, WORKER_SHUTDOWN_GRACE: 'soon' });
  for (const [service, variable] of [
    [badWeb, 'PORT'],
    [badWorker, 'WORKER_SHUTDOWN_GRACE'],
  ] as const) {
    const { code } = await service.exited;
    assert.equal(code, 1);
    assert.equal(service.lines.length, 1, `one line: ${JSON.stringify(service.lines)}`);
    assert.equal(service.stderr().trim(), '', 'nothing on stderr');
    const [line] = service.lines;
    assert.equal(line!.level, 'fatal');
    assert.match(String(line!.msg), new RegExp(`^Cannot start: Invalid environment: ${variable}=`));
  }
});

test('on SIGTERM the worker lets the activity in flight finish before it exits 0', async () => {
  // A slow SIS, so an activity is surely in flight when the signal comes.
  const slowSis = await createSimulator({ dataset, faults: { latencyMs: 300 } });
  const slowSchool = `${schoolId}-slow`;
  const db = createDb(env.DATABASE_URL, 2);
  const graceful = startService('worker', { ...env, WORKER_SHUTDOWN_GRACE: '60s' });
  try {
    const config = loadSchoolConfig(`${projectRoot}/config/schools/demo.json`);
    config.schoolId = slowSchool;
    config.sis.baseUrl = slowSis.url;
    await enableSchool(db, client, config, { taskQueue, paused: true });
    await graceful.waitForLine((line) => String(line.msg).startsWith('worker polling'), 120_000);
    const workflowId = `sync:${slowSchool}-sigterm-test`;
    await client.workflow.start(SyncWorkflow, { taskQueue, workflowId, args: [{ schoolId: slowSchool }] });
    const roster = client.workflow.getHandle(rosterWorkflowId(workflowId));

    let inFlight: string[] = [];
    for (let tries = 0; inFlight.length === 0 && tries < 120; tries++) {
      await sleep(250);
      const pending = await roster.describe().then(
        (description) => description.raw.pendingActivities ?? [],
        () => [],
      );
      inFlight = pending
        .filter(
          (activity) =>
            activity.state ===
            proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED,
        )
        .map((activity) => activity.activityId!);
    }
    assert.ok(inFlight.length > 0, 'an activity is running');

    const stopped = await stopService(graceful);
    assert.deepEqual(
      [stopped.code, stopped.signal],
      [0, null],
      `worker exit\n${JSON.stringify(graceful.lines.slice(-4))}`,
    );

    const events = (await roster.fetchHistory()).events ?? [];
    const scheduled = new Map(
      events
        .filter((event) => event.activityTaskScheduledEventAttributes)
        .map((event) => [String(event.eventId), event.activityTaskScheduledEventAttributes!.activityId!]),
    );
    const completed = new Set(
      events
        .filter((event) => event.activityTaskCompletedEventAttributes)
        .map((event) => scheduled.get(String(event.activityTaskCompletedEventAttributes!.scheduledEventId))),
    );
    for (const activityId of inFlight) {
      assert.ok(completed.has(activityId), `activity ${activityId}, in flight at SIGTERM, completed`);
    }
    await client.workflow.getHandle(workflowId).terminate('test done');
  } finally {
    if (graceful.child.exitCode === null) await stopService(graceful);
    await db.destroy();
    await slowSis.close();
  }
});
