/**
 * A bad SIS answer must never mass-deactivate a school: deactivations above the threshold are held
 * until approved, and an SIS that suddenly lists no students fails the run instead.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { WorkflowFailedError } from '@temporalio/client';
import { approveHeldDeactivations } from '../../src/client/approvals';
import { SyncWorkflow } from '../../src/workflows/sync';
import { latestRun, runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { countRows } from '../support/roster-queries';

let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment();
  await runSync(env);
});
after(async () => {
  await env?.close();
});

async function heldRun() {
  const run = await env.db
    .selectFrom('sync_runs')
    .select(['id', 'held_deactivations'])
    .where('school_id', '=', env.config.schoolId)
    .where('status', '=', 'running')
    .where('held_deactivations', 'is not', null)
    .executeTakeFirst();
  return run;
}

test('dropping 30% of enrollments holds the drops until an approval signal applies them', async () => {
  const dataset = env.simulator.getDataset();
  const registered = Object.entries(dataset.enrollments).flatMap(([sectionId, list]) =>
    list.filter((e) => e.status === 'Registered').map((e) => ({ sectionId, studentId: e.studentId })),
  );
  const activeBefore = (await countRows(env.db, env.config.schoolId)).activeCourseMembers;
  const toDrop = registered.filter((_, index) => index % 10 < 3); // 30%
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
  assert.ok(droppedInSyncedSections / activeBefore > 0.1, 'above the 10% threshold');

  const handle = await env.client.workflow.start(SyncWorkflow, {
    taskQueue: env.taskQueue,
    workflowId: `sync:${env.config.schoolId}-held-${Date.now()}`,
    args: [{ schoolId: env.config.schoolId }],
  });
  let held = await heldRun();
  for (let i = 0; !held && i < 120; i++) {
    await sleep(250);
    held = await heldRun();
  }
  assert.deepEqual(held!.held_deactivations, { course_members: droppedInSyncedSections });
  assert.equal(
    (await countRows(env.db, env.config.schoolId)).activeCourseMembers,
    activeBefore,
    'nothing deactivated yet',
  );
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

  await approveHeldDeactivations(env.db, env.client, env.config.schoolId);
  const result = await handle.result();
  assert.deepEqual(result.held, {});
  assert.equal(result.counts.course_members.deactivated, droppedInSyncedSections);
  assert.equal(
    (await countRows(env.db, env.config.schoolId)).activeCourseMembers,
    activeBefore - droppedInSyncedSections,
  );
  const resolved = await env.db
    .selectFrom('sync_issues')
    .select('resolved_at')
    .where('school_id', '=', env.config.schoolId)
    .where('rule', '=', 'mass-deactivation-held')
    .executeTakeFirstOrThrow();
  assert.ok(resolved.resolved_at, 'the hold is resolved by the approval');
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
