/**
 * Incremental runs (issue 13): between full reconciliations a run reads only what the SIS stamps
 * as modified since the school's watermark. Every kind of change still reaches CourseKey: in the
 * next hourly run where the contract makes it visible, otherwise at the next full reconciliation.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { requestFullSync, WATERMARK_MARGIN_MS } from '../../src/db/sync-watermarks';
import type { Section } from '../../src/campus-cloud/schemas';
import { scheduleId } from '../../src/temporal/schedules';
import { runCommand } from '../support/cli-process';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import type { SyncResult } from '../../src/workflows/sync';

let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment({
    configure: (config) => {
      config.schedule.fullSyncEvery = '1d';
    },
  });
});
after(async () => {
  await env?.client.schedule.getHandle(scheduleId(env.config.schoolId)).delete();
  await env?.close();
});

const rowsWritten = (summary: SyncResult) =>
  Object.values(summary.counts).reduce((sum, c) => sum + c.created + c.updated + c.deactivated, 0);

/** Runs a sync and returns its summary with the SIS requests it made. */
async function measuredSync() {
  env.simulator.resetStats();
  const summary = await runSync(env);
  assert.equal(summary.status, 'completed');
  return { summary, requests: env.simulator.getStats() };
}

const runModes = async () =>
  (
    await env.db
      .selectFrom('sync_runs')
      .select('mode')
      .where('school_id', '=', env.config.schoolId)
      .orderBy('id')
      .execute()
  ).map((run) => run.mode);

const openIssue = (rule: string, sisKey: string) =>
  env.db
    .selectFrom('sync_issues')
    .select('rule')
    .where('school_id', '=', env.config.schoolId)
    .where('rule', '=', rule)
    .where('sis_key', '=', sisKey)
    .where('resolved_at', 'is', null)
    .executeTakeFirst();

const member = (sectionId: string, studentId: string) =>
  env.db
    .selectFrom('course_members')
    .select(['active', 'sis_status'])
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', `${sectionId}:student:student:${studentId}`)
    .executeTakeFirstOrThrow();

const course = (sectionId: string) =>
  env.db
    .selectFrom('courses')
    .select(['active', 'sis_status', 'delivery_method_name'])
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', sectionId)
    .executeTakeFirst();

function addMinutes(time: string, minutes: number): string {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const total = h * 60 + m + minutes;
  return `${String(Math.floor(total / 60) % 24).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

test('a no-change run after a full one is incremental: a fraction of the SIS requests, no rows written', async () => {
  const full = await measuredSync();
  assert.equal(full.summary.mode, 'full', 'no watermark yet: the first run reads everything');

  const hourly = await measuredSync();
  assert.equal(hourly.summary.mode, 'incremental');
  assert.equal(rowsWritten(hourly.summary), 0);
  assert.deepEqual(hourly.summary.held, {});
  assert.ok(
    hourly.requests.total <= 0.4 * full.requests.total,
    `${hourly.requests.total} requests, at most 40% of the full run's ${full.requests.total}`,
  );
  // No section changed, so none is read again, nor its meetings, enrollments or students.
  for (const endpoint of [
    'GetScheduledCourse',
    'GetCourse',
    'GetSchedule',
    'GetEnrollment',
    'GetStudentByID',
  ]) {
    assert.equal(hourly.requests.byEndpoint[endpoint] ?? 0, 0, endpoint);
  }
  // Every listed section is accounted for: the stored ones unchanged, the others not read again.
  const sections = hourly.summary.counts.courses;
  assert.equal(sections.fetched, full.summary.counts.courses.fetched);
  assert.equal(sections.unchanged, full.summary.counts.courses.created);
  assert.equal(sections.skippedBy['not-modified'], sections.fetched - sections.unchanged);
  assert.deepEqual(await runModes(), ['full', 'incremental']);

  // The watermark is the SIS's clock when the run started reading, less the margin.
  const [run] = await env.db
    .selectFrom('sync_runs')
    .select(['sis_clock_at', 'started_at'])
    .where('id', '=', hourly.summary.syncRunId)
    .execute();
  const watermark = await env.db
    .selectFrom('sync_watermarks')
    .select('modified_since')
    .where('school_id', '=', env.config.schoolId)
    .executeTakeFirstOrThrow();
  assert.ok(run!.sis_clock_at, 'the SIS clock was read from its answers');
  assert.equal(watermark.modified_since.getTime(), run!.sis_clock_at.getTime() - WATERMARK_MARGIN_MS);
});

test('every kind of change reaches CourseKey: hourly where the SIS stamps it, else at the full reconciliation', async () => {
  const dataset = env.simulator.getDataset();
  const stored = new Set(
    (
      await env.db
        .selectFrom('courses')
        .select('sis_key')
        .where('school_id', '=', env.config.schoolId)
        .where('active', '=', true)
        .execute()
    ).map((row) => row.sis_key),
  );
  const inPerson = dataset.sections.filter(
    (s) =>
      stored.has(s.scheduledCourseId) &&
      s.deliveryMethod.id === '1' &&
      (dataset.schedules[s.scheduledCourseId] ?? []).some((e) => e.startTime),
  );
  const withRegistered = (s: Section) =>
    (dataset.enrollments[s.scheduledCourseId] ?? []).some((e) => e.status === 'Registered');
  const dropSection = inPerson.find(withRegistered)!;
  const [scheduleSection, deliverySection, cancelSection] = inPerson.filter((s) => s !== dropSection);
  assert.ok(
    dropSection && scheduleSection && deliverySection && cancelSection,
    'the dataset has the sections',
  );
  const dropped = dataset.enrollments[dropSection.scheduledCourseId]!.find((e) => e.status === 'Registered')!;
  const student = dataset.students.find((s) => s.email)!;
  const instructor = dataset.instructors.find((i) => i.active)!;
  const addedId = `${dropSection.scheduledCourseId}-ADDED`;

  // email: GetStudents with modifiedSince lists the student again.
  env.simulator.mutate({ op: 'setStudentEmail', studentId: student.studentId, email: 'moved@example.edu' });
  // A staff or instructor email: GetUsers is read whole every run.
  env.simulator.mutate({ op: 'setUserEmail', userId: instructor.userId, email: 'teacher.moved@example.edu' });
  // drop: the enrollment's own modifiedAt moves, its section's does not; no listing of the
  // contract shows changed enrollments, so only the full reconciliation reads it.
  env.simulator.mutate({
    op: 'setEnrollmentStatus',
    scheduledCourseId: dropSection.scheduledCourseId,
    studentId: dropped.studentId,
    status: 'Dropped',
  });
  // add, cancel, schedule and delivery method stamp their section's modifiedAt.
  env.simulator.mutate({
    op: 'addSection',
    section: { ...dropSection, scheduledCourseId: addedId, sectionCode: `${dropSection.sectionCode}A` },
    schedule: dataset.schedules[dropSection.scheduledCourseId]!.map((e) => ({
      ...e,
      scheduleId: `${e.scheduleId}-ADDED`,
    })),
    enrollments: [
      {
        enrollmentId: 'E-ADDED',
        studentId: student.studentId,
        status: 'Registered',
        statusDate: dropSection.startDate,
      },
    ],
  });
  env.simulator.mutate({ op: 'cancelSection', scheduledCourseId: cancelSection.scheduledCourseId });
  env.simulator.mutate({
    op: 'setSchedule',
    scheduledCourseId: scheduleSection.scheduledCourseId,
    schedule: dataset.schedules[scheduleSection.scheduledCourseId]!.map((e) =>
      e.startTime ? { ...e, startTime: '06:00', endTime: addMinutes('06:00', e.minutes) } : e,
    ),
  });
  env.simulator.mutate({
    op: 'setDeliveryMethod',
    scheduledCourseId: deliverySection.scheduledCourseId,
    deliveryMethod: { id: '2', name: 'Online' },
  });

  const hourly = await measuredSync();
  assert.equal(hourly.summary.mode, 'incremental');
  // Only the four stamped sections are read again (the added one with its catalog course).
  assert.equal(hourly.requests.byEndpoint.GetScheduledCourse, 4);
  // email
  const user = (key: string) =>
    env.db
      .selectFrom('users')
      .select('email')
      .where('school_id', '=', env.config.schoolId)
      .where('sis_key', '=', key)
      .executeTakeFirstOrThrow();
  assert.equal((await user(`student:${student.studentId}`)).email, 'moved@example.edu');
  assert.equal((await user(`user:${instructor.userId}`)).email, 'teacher.moved@example.edu');
  // add
  assert.deepEqual(await course(addedId), {
    active: true,
    sis_status: 'Active',
    delivery_method_name: 'In-Person',
  });
  assert.deepEqual(await member(addedId, student.studentId), { active: true, sis_status: 'Registered' });
  const addedSessions = await env.db
    .selectFrom('class_sessions')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('school_id', '=', env.config.schoolId)
    .where('course_sis_key', '=', addedId)
    .executeTakeFirstOrThrow();
  assert.ok(Number(addedSessions.n) > 0, 'the added section has its class sessions');
  // cancel
  assert.equal((await course(cancelSection.scheduledCourseId))!.active, false);
  // schedule (reported as drift, as in a full run) and delivery method (flagged, not applied)
  assert.ok(await openIssue('schedule-drift', scheduleSection.scheduledCourseId));
  assert.ok(await openIssue('delivery-method-changed', deliverySection.scheduledCourseId));
  assert.equal((await course(deliverySection.scheduledCourseId))!.delivery_method_name, 'In-Person');
  // drop: not visible to an incremental run
  assert.deepEqual(await member(dropSection.scheduledCourseId, dropped.studentId), {
    active: true,
    sis_status: 'Registered',
  });
  // Nothing this run did not read was deactivated, nor any issue of it resolved.
  assert.equal(hourly.summary.counts.users.deactivated, 0);
  assert.equal(hourly.summary.counts.course_members.deactivated, 0);

  // `sync-now --full` asks for a full reconciliation: the drop reaches CourseKey.
  assert.equal(await requestFullSync(env.db, env.config.schoolId), true);
  const reconciliation = await measuredSync();
  assert.equal(reconciliation.summary.mode, 'full');
  assert.deepEqual(await member(dropSection.scheduledCourseId, dropped.studentId), {
    active: false,
    sis_status: 'Dropped',
  });
  assert.equal(reconciliation.summary.counts.course_members.deactivated, 1);
  // The issues of the schedule and the delivery method are still open (still true in the SIS).
  assert.ok(await openIssue('schedule-drift', scheduleSection.scheduledCourseId));
  assert.ok(await openIssue('delivery-method-changed', deliverySection.scheduledCourseId));

  // The request is settled: the next run is incremental again, and writes nothing.
  const next = await measuredSync();
  assert.equal(next.summary.mode, 'incremental');
  assert.equal(rowsWritten(next.summary), 0);
});

test('the full reconciliation comes on its own schedule (schedule.fullSyncEvery), and after held deactivations', async () => {
  await env.db
    .updateTable('sync_watermarks')
    .set({ last_full_at: sql<Date>`now() - interval '25 hours'` })
    .where('school_id', '=', env.config.schoolId)
    .execute();
  const due = await measuredSync();
  assert.equal(due.summary.mode, 'full');
  assert.equal(rowsWritten(due.summary), 0);
  const following = await measuredSync();
  assert.equal(following.summary.mode, 'incremental');

  // Deactivations a run held and no one approved are judged again by a full run.
  await env.db
    .updateTable('sync_runs')
    .set({ held_deactivations: JSON.stringify({ course_members: 40 }) })
    .where('id', '=', following.summary.syncRunId)
    .execute();
  assert.equal((await measuredSync()).summary.mode, 'full');
});

test("`sync-now --full` runs a full reconciliation through the schedule; status shows each run's kind", async () => {
  const cli = (...args: string[]) => runCommand('cli.ts', args, { DATABASE_URL: env.databaseUrl });
  // The test schedule is paused: --force runs it once.
  const result = await cli('sync-now', '--school', env.config.schoolId, '--full', '--force', '--json');
  assert.equal(result.status, 0, result.stderr);
  const summary = JSON.parse(result.stdout) as SyncResult;
  assert.equal(summary.mode, 'full');
  assert.equal(rowsWritten(summary), 0);

  const status = await cli('status', '--school', env.config.schoolId);
  assert.equal(status.status, 0, status.stderr);
  assert.match(status.stdout, new RegExp(`Run ${summary.syncRunId} \\(full\\): completed`));
  assert.match(status.stdout, /Run \d+ \(incremental\): completed/);
});
