/**
 * A bad SIS answer must never mass-deactivate a school: deactivations above the threshold are held
 * until an operator approves the counts they were shown (attendance posting does not wait for
 * that), and an SIS that suddenly lists no students fails the run instead.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import {
  CancelledFailure,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import { approveHeldDeactivations } from '../../src/client/approvals';
import { enableSchool } from '../../src/client/school-schedules';
import { approveDeactivationsUpdate } from '../../src/workflows/deactivation-approval';
import { postingWorkflowId, rosterWorkflowId, SyncWorkflow } from '../../src/workflows/sync';
import { latestRun, runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { assertNoPersonalData } from '../support/histories';
import { countRows } from '../support/roster-queries';
import { assertCountsAddUp } from '../support/run-counts';

let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment();
  await runSync(env);
});
after(async () => {
  await env?.close();
});

/** The school's running sync that holds deactivations, once it holds them (polled up to 30 s). */
async function heldRun() {
  const query = () =>
    env.db
      .selectFrom('sync_runs')
      .select(['id', 'workflow_id', 'held_deactivations'])
      .where('school_id', '=', env.config.schoolId)
      .where('status', '=', 'running')
      .where('held_deactivations', 'is not', null)
      .executeTakeFirst();
  let held = await query();
  for (let i = 0; !held && i < 120; i++) {
    await sleep(250);
    held = await query();
  }
  assert.ok(held, 'a run holds deactivations');
  return held;
}

/** Drops `share` of the enrollments still Registered; returns how many of them CourseKey has active. */
async function dropEnrollments(share: number): Promise<number> {
  const dataset = env.simulator.getDataset();
  const registered = Object.entries(dataset.enrollments).flatMap(([sectionId, list]) =>
    list.filter((e) => e.status === 'Registered').map((e) => ({ sectionId, studentId: e.studentId })),
  );
  const toDrop = registered.filter((_, index) => index % 100 < share * 100);
  for (const { sectionId, studentId } of toDrop) {
    env.simulator.mutate({
      op: 'setEnrollmentStatus',
      scheduledCourseId: sectionId,
      studentId,
      status: 'Dropped',
    });
  }
  const droppedInSyncedSections = (
    await env.db
      .selectFrom('course_members')
      .select('sis_key')
      .where('school_id', '=', env.config.schoolId)
      .where('active', '=', true)
      .where(
        'sis_key',
        'in',
        toDrop.map((d) => `${d.sectionId}:student:student:${d.studentId}`),
      )
      .execute()
  ).length;
  const activeBefore = (await countRows(env.db, env.config.schoolId)).activeCourseMembers;
  assert.ok(droppedInSyncedSections / activeBefore > 0.1, 'above the 10% threshold');
  return droppedInSyncedSections;
}

function startSync(label: string) {
  return env.client.workflow.start(SyncWorkflow, {
    taskQueue: env.taskQueue,
    workflowId: `sync:${env.config.schoolId}-${label}-${Date.now()}`,
    args: [{ schoolId: env.config.schoolId }],
  });
}

/** The status of a run's posting child once it has ended, or after 60 s. */
async function postingStatus(syncWorkflowId: string): Promise<string | undefined> {
  const posting = env.client.workflow.getHandle(postingWorkflowId(syncWorkflowId));
  let status: string | undefined;
  for (let i = 0; i < 240 && (status === undefined || status === 'RUNNING'); i++) {
    if (i) await sleep(250);
    status = await posting.describe().then(
      (description) => description.status.name,
      (err: unknown) => {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      },
    );
  }
  return status;
}

/** The validator's reason an update was refused (the client wraps it). */
async function refusal(update: Promise<unknown>): Promise<string> {
  const err = await update.then(
    () => assert.fail('the update was accepted'),
    (error: unknown) => error,
  );
  assert.ok(err instanceof WorkflowUpdateFailedError, String(err));
  return err.cause?.message ?? '';
}

async function scratchRows(syncRunId: string) {
  const count = async (table: 'sync_seen' | 'pending_deactivations') =>
    Number(
      (
        await env.db
          .selectFrom(table)
          .select(({ fn }) => fn.countAll<string>().as('n'))
          .where('sync_run_id', '=', syncRunId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return { seen: await count('sync_seen'), pending: await count('pending_deactivations') };
}

/** Stores the school's configuration with another approval wait (activities read it per run). */
async function setApprovalWait(approvalWait: string) {
  const config = { ...env.config, safety: { ...env.config.safety, approvalWait } };
  await enableSchool(env.db, env.client, config, { taskQueue: env.taskQueue, paused: true });
}

test('held drops: posting goes on while approval waits; the approval update checks the counts shown and returns what it applied', async () => {
  const activeBefore = (await countRows(env.db, env.config.schoolId)).activeCourseMembers;
  const dropped = await dropEnrollments(0.3);

  // Slow SIS answers keep the run in its roster phase while it is asked to approve: nothing is held yet.
  env.simulator.setFaults({ latencyMs: 150 });
  const handle = await startSync('held');
  assert.match(
    await refusal(
      handle.executeUpdate(approveDeactivationsUpdate, { args: [{ held: { course_members: dropped } }] }),
    ),
    /holds no deactivations to approve/,
  );
  env.simulator.setFaults({});

  const held = await heldRun();
  assert.equal(held.workflow_id, handle.workflowId);
  assert.deepEqual(held.held_deactivations, { course_members: dropped });
  const [issue] = await env.db
    .selectFrom('sync_issues')
    .select(['message', 'resolved_at'])
    .where('school_id', '=', env.config.schoolId)
    .where('rule', '=', 'mass-deactivation-held')
    .execute();
  assert.match(
    issue!.message,
    /would deactivate \d+ of \d+ active course members \(\d+%\), above the 10% safety threshold/,
  );

  // Attendance posting does not wait behind the approval: it finishes while the run still waits.
  assert.equal(
    await postingStatus(handle.workflowId),
    'COMPLETED',
    'attendance posting finished before any approval',
  );
  assert.equal((await handle.describe()).status.name, 'RUNNING', 'the run still waits for approval');
  assert.equal(
    (await countRows(env.db, env.config.schoolId)).activeCourseMembers,
    activeBefore,
    'nothing deactivated yet',
  );

  // Counts other than those held are refused: an operator never approves what they were not shown.
  assert.match(
    await refusal(
      handle.executeUpdate(approveDeactivationsUpdate, {
        args: [{ held: { course_members: dropped + 1 } }],
      }),
    ),
    new RegExp(`holds ${dropped} course members for approval, not ${dropped + 1} course members`),
  );
  assert.match(
    await refusal(handle.executeUpdate(approveDeactivationsUpdate, { args: [{ held: { users: dropped } }] })),
    new RegExp(`holds ${dropped} course members for approval, not ${dropped} users`),
  );
  assert.equal((await countRows(env.db, env.config.schoolId)).activeCourseMembers, activeBefore);

  const approval = await approveHeldDeactivations(env.db, env.client, env.config.schoolId);
  assert.equal(approval.workflowId, handle.workflowId);
  assert.deepEqual(approval.held, { course_members: dropped });
  assert.deepEqual(approval.applied, { course_members: dropped });

  const result = await handle.result();
  assert.deepEqual(result.held, {});
  assert.equal(result.counts.course_members.deactivated, dropped);
  assert.equal((await countRows(env.db, env.config.schoolId)).activeCourseMembers, activeBefore - dropped);
  const resolved = await env.db
    .selectFrom('sync_issues')
    .select('resolved_at')
    .where('school_id', '=', env.config.schoolId)
    .where('rule', '=', 'mass-deactivation-held')
    .executeTakeFirstOrThrow();
  assert.ok(resolved.resolved_at, 'the hold is resolved by the approval');
  assert.deepEqual(await scratchRows(held.id), { seen: 0, pending: 0 });
  await assertNoPersonalData(
    env.client,
    [handle.workflowId, rosterWorkflowId(handle.workflowId), postingWorkflowId(handle.workflowId)],
    env.simulator.getDataset(),
  );
});

test('without an approval in time the held drops stay unapplied and the run completes with the held counts', async () => {
  await setApprovalWait('3s');
  const activeBefore = (await countRows(env.db, env.config.schoolId)).activeCourseMembers;
  const dropped = await dropEnrollments(0.3);

  const result = await runSync(env);
  assert.equal(result.status, 'completed');
  assert.deepEqual(result.held, { course_members: dropped });
  assert.equal(result.counts.course_members.deactivated, 0);
  // The held drops were fetched: counted as updates the SIS reported, not applied (README "Counts").
  assertCountsAddUp(result.counts, 'a run holding deactivations');
  assert.equal((await countRows(env.db, env.config.schoolId)).activeCourseMembers, activeBefore);
  const run = await env.db
    .selectFrom('sync_runs')
    .select(['id', 'status', 'message', 'held_deactivations'])
    .where('school_id', '=', env.config.schoolId)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
  assert.equal(run.status, 'completed');
  assert.equal(run.message, `${dropped} deactivations held by the safety threshold, not approved.`);
  assert.deepEqual(await scratchRows(run.id), { seen: 0, pending: 0 });
  await assert.rejects(
    approveHeldDeactivations(env.db, env.client, env.config.schoolId),
    /No running sync of .* is holding deactivations/,
  );
});

test('a run cancelled while it waits for approval is recorded as cancelled, its scratch rows gone, nothing held applied', async () => {
  await setApprovalWait('45m');
  const activeBefore = (await countRows(env.db, env.config.schoolId)).activeCourseMembers;
  const handle = await startSync('cancelled');
  const held = await heldRun();
  const scratch = await scratchRows(held.id);
  assert.ok(scratch.seen > 0 && scratch.pending > 0, 'the run has scratch rows while it waits');

  await handle.cancel();
  const err = await handle.result().then(
    () => assert.fail('a cancelled run does not complete'),
    (error: unknown) => error,
  );
  assert.ok(err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure, String(err));
  const run = await env.db
    .selectFrom('sync_runs')
    .select(['status', 'finished_at'])
    .where('id', '=', held.id)
    .executeTakeFirstOrThrow();
  assert.equal(run.status, 'cancelled');
  assert.ok(run.finished_at);
  assert.deepEqual(await scratchRows(held.id), { seen: 0, pending: 0 });
  assert.equal((await countRows(env.db, env.config.schoolId)).activeCourseMembers, activeBefore);
});

test('an SIS that suddenly returns no students fails the run and deactivates nobody', async () => {
  const before = await countRows(env.db, env.config.schoolId);
  const activeUsers = await env.db
    .selectFrom('users')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('school_id', '=', env.config.schoolId)
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  env.simulator.mutate({ op: 'removeStudents' });
  await assert.rejects(runSync(env), WorkflowFailedError);
  const run = await latestRun(env);
  assert.equal(run.status, 'failed');
  assert.match(
    run.message!,
    /The SIS returned no students although the last completed run fetched \d+\. Nothing was deactivated/,
  );
  assert.deepEqual(await countRows(env.db, env.config.schoolId), before);
  const activeAfter = await env.db
    .selectFrom('users')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('school_id', '=', env.config.schoolId)
    .where('active', '=', true)
    .executeTakeFirstOrThrow();
  assert.equal(activeAfter.n, activeUsers.n);
});
