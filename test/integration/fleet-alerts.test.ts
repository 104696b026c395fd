/**
 * Fleet alerts reach the deployment's webhook once per change of a school's state: a local
 * receiver collects what is posted. Three failed runs in a row alert `failing` once, a fourth
 * adds nothing, a completed run alerts `recovered`; the watch workflow alerts `stale` once; a run
 * holding deactivations alerts `waiting` as it starts to wait, and `recovered` once approved.
 * Alerts hold the school's id and name, counts, run ids and links, nothing personal.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { approveHeldDeactivations } from '../../src/client/approvals';
import { scheduleId } from '../../src/temporal/schedules';
import { ensureFleetWatchSchedule, FLEET_WATCH_SCHEDULE_ID } from '../../src/workers/fleet-watch-schedule';
import { FleetWatchWorkflow } from '../../src/workflows/fleet-watch';
import { SyncWorkflow } from '../../src/workflows/sync';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
let receiver: Server;
const received: unknown[] = [];
/** Answers the next this many alerts with a 500, as a webhook that is down does. */
let refuseNext = 0;

before(async () => {
  receiver = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      if (refuseNext > 0) {
        refuseNext--;
        response.statusCode = 500;
        return response.end('down');
      }
      received.push(JSON.parse(body));
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  process.env.ALERT_WEBHOOK_URL = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/T000/B000/secret`;
  process.env.STALE_AFTER = '1h';
  env = await startTestEnvironment();
});
after(async () => {
  delete process.env.ALERT_WEBHOOK_URL;
  delete process.env.STALE_AFTER;
  await env?.client.schedule.getHandle(scheduleId(env.config.schoolId)).delete();
  await env?.close();
  receiver?.close();
});

const texts = () => received.map((body) => (body as { text: string }).text);

async function failingRun() {
  env.simulator.setFaults({ deniedEndpoints: ['GetUsers'] });
  try {
    await assert.rejects(runSync(env));
  } finally {
    env.simulator.setFaults({});
  }
}

test('three failed runs alert failing once, a fourth adds nothing, a completed run alerts recovered', async () => {
  await failingRun();
  await failingRun();
  assert.equal(received.length, 0, 'two failures are not yet failing');
  await failingRun();
  assert.equal(received.length, 1, texts().join('\n'));
  assert.match(texts()[0]!, /failing/);
  assert.match(texts()[0]!, new RegExp(`\\(${env.config.schoolId}\\): 3 runs failed in a row`));

  await failingRun();
  assert.equal(received.length, 1, 'a fourth failure in a row is the same state');

  await runSync(env);
  assert.equal(received.length, 2, texts().join('\n'));
  assert.match(texts()[1]!, /recovered/);
  assert.match(texts()[1]!, /recovered: .*: was failing; last completed run 0 min ago/);

  for (const body of received) {
    assert.deepEqual(Object.keys(body as object), ['text'], 'Slack-compatible: a text only');
    assert.doesNotMatch((body as { text: string }).text, /@/, 'no email addresses');
  }
  const state = await env.db
    .selectFrom('school_alert_state')
    .select('state')
    .where('school_id', '=', env.config.schoolId)
    .executeTakeFirstOrThrow();
  assert.equal(state.state, 'ok');
});

test('the fleet watch alerts a school without a completed run for too long as stale, once', async () => {
  process.env.STALE_AFTER = '1s';
  await sleep(1500);
  const watch = (n: number) =>
    env.client.workflow.execute(FleetWatchWorkflow, {
      taskQueue: env.taskQueue,
      workflowId: `fleet-watch-test-${env.config.schoolId}-${n}`,
    });
  const first = await watch(1);
  assert.deepEqual(first.alerts, ['stale']);
  assert.equal(received.length, 3);
  assert.match(texts()[2]!, new RegExp(`stale: .*\\(${env.config.schoolId}\\): last completed run`));
  assert.deepEqual((await watch(2)).alerts, [], 'still stale: nothing new');
  assert.equal(received.length, 3);
});

test('a run that holds deactivations for approval alerts waiting once, and recovered once approved', async () => {
  process.env.STALE_AFTER = '1h';
  const dataset = env.simulator.getDataset();
  const registered = Object.entries(dataset.enrollments).flatMap(([sectionId, list]) =>
    list.filter((e) => e.status === 'Registered').map((e) => ({ sectionId, studentId: e.studentId })),
  );
  // A third of the enrollments dropped at once: above the 10% safety threshold, so held.
  for (const [index, { sectionId, studentId }] of registered.entries()) {
    if (index % 3 === 0)
      env.simulator.mutate({
        op: 'setEnrollmentStatus',
        scheduledCourseId: sectionId,
        studentId,
        status: 'Dropped',
      });
  }
  const run = await env.client.workflow.start(SyncWorkflow, {
    taskQueue: env.taskQueue,
    workflowId: `sync:${env.config.schoolId}-held-${Date.now()}`,
    args: [{ schoolId: env.config.schoolId }],
  });
  for (let i = 0; i < 120 && received.length < 4; i++) await sleep(250);
  assert.equal(received.length, 4, texts().join('\n'));
  assert.match(
    texts()[3]!,
    /waiting for approval: .* holds deactivations of \d+ course members for approval/,
  );
  assert.match(texts()[3]!, new RegExp(`approve --school ${env.config.schoolId}`));

  await approveHeldDeactivations(env.db, env.client, env.config.schoolId);
  await run.result();
  assert.equal(received.length, 5, texts().join('\n'));
  assert.match(texts()[4]!, /recovered: .*: was waiting; last completed run 0 min ago/);
});

test('a webhook that is down fails no run, and the alert goes out at the next judgement', async () => {
  const before = received.length;
  await failingRun();
  await failingRun();
  refuseNext = 1;
  await failingRun(); // the third failure in a row: its alert is refused, the run still records itself
  assert.equal(refuseNext, 0, 'the webhook was called');
  assert.equal(received.length, before);
  const run = await env.db
    .selectFrom('sync_runs')
    .select('status')
    .where('school_id', '=', env.config.schoolId)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.equal(run.status, 'failed');
  await failingRun();
  assert.equal(received.length, before + 1, texts().join('\n'));
  assert.match(texts().at(-1)!, /failing: .*: 4 runs failed in a row/);
});

test('the fleet-watch schedule starts FleetWatchWorkflow every 15 minutes; ensuring it twice keeps one', async () => {
  // Its own schedule id: the `enable` CLI of other test files ensures the deployment's one.
  const scheduleId = `${FLEET_WATCH_SCHEDULE_ID}-${env.taskQueue}`;
  await ensureFleetWatchSchedule(env.client, { taskQueue: env.taskQueue, scheduleId });
  await ensureFleetWatchSchedule(env.client, { taskQueue: env.taskQueue, scheduleId });
  const handle = env.client.schedule.getHandle(scheduleId);
  const description = await handle.describe();
  await handle.delete();
  assert.equal(Number(description.spec.intervals?.[0]?.every), 15 * 60_000);
  assert.equal(description.action.type, 'startWorkflow');
  assert.equal(description.action.workflowType, 'FleetWatchWorkflow');
  assert.equal(description.action.taskQueue, env.taskQueue);
});
