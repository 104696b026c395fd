import { DateTime } from 'luxon';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { after, before, test } from 'node:test';
import { postingWorkflowId, rosterWorkflowId } from '../../src/workflows/sync';
import { campusToday } from '../../src/coursekey/sync-window';
import { expectedRoster, expectedSessionCount } from '../support/expected-roster';
import { countRows, rosterChecksum } from '../support/roster-queries';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { assertNoPersonalDataIn, historyText, workflowHistories } from '../support/histories';
import type { Dataset } from '../../src/simulator/dataset';

let env: TestEnvironment;
/** The dataset before the tests change it: earlier runs saw the email addresses later replaced. */
let initialDataset: Dataset;
before(async () => {
  env = await startTestEnvironment();
  initialDataset = structuredClone(env.simulator.getDataset());
});
after(async () => {
  await env?.close();
});

const written = (counts: { created: number; updated: number; deactivated: number }) =>
  counts.created + counts.updated + counts.deactivated;

test('a full sync of the small dataset stores exactly the rows the dataset implies', async () => {
  const dataset = env.simulator.getDataset();
  const expected = expectedRoster(dataset, campusToday(env.config));
  const summary = await runSync(env);

  assert.equal(summary.status, 'completed');
  assert.deepEqual(await countRows(env.db, env.config.schoolId), {
    courses: expected.courses,
    users: expected.users,
    courseMembers: expected.courseMembers,
    activeCourseMembers: expected.activeCourseMembers,
    classSessions: expected.classSessions,
  });
  assert.equal(summary.counts.courses.created, expected.courses);
  // The GetInstructors records (an instructor id's link to a user) are counted among the users.
  assert.equal(summary.counts.users.created, expected.users + dataset.instructors.length);
  assert.equal(summary.counts.course_members.created, expected.courseMembers);
  assert.equal(summary.counts.class_sessions.created, expected.classSessions);
  for (const counts of Object.values(summary.counts)) assert.equal(counts.failed, 0);
  // Users without email are synced and reported: they cannot sign in.
  const withoutEmail = dataset.students.filter((s) => !s.email).length;
  const reported = await env.db
    .selectFrom('sync_issues')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('school_id', '=', env.config.schoolId)
    .where('rule', '=', 'user-without-email')
    .executeTakeFirstOrThrow();
  assert.equal(Number(reported.n), withoutEmail);
});

test('class sessions keep their local time across a daylight-saving change', async () => {
  const dataset = env.simulator.getDataset();
  const longest = [...dataset.sections].sort(
    (a, b) =>
      expectedSessionCount(dataset, b.scheduledCourseId) - expectedSessionCount(dataset, a.scheduledCourseId),
  )[0]!;
  const entries = dataset.schedules[longest.scheduledCourseId]!.filter((entry) => entry.startTime);
  const sessions = await env.db
    .selectFrom('class_sessions')
    .select(['sis_schedule_id', 'session_date', 'starts_at', 'ends_at', 'minutes'])
    .where('school_id', '=', env.config.schoolId)
    .where('course_sis_key', '=', longest.scheduledCourseId)
    .where('kind', '=', 'sync')
    .execute();
  assert.equal(sessions.length, expectedSessionCount(dataset, longest.scheduledCourseId));
  const offsets = new Set<number>();
  for (const session of sessions) {
    const entry = entries.find((e) => e.scheduleId === session.sis_schedule_id)!;
    const local = DateTime.fromJSDate(session.starts_at!, { zone: env.config.timeZone });
    assert.equal(local.toISODate(), session.session_date);
    assert.equal(
      local.toFormat('HH:mm'),
      entry.startTime,
      `session ${session.session_date} starts at local ${entry.startTime}`,
    );
    assert.equal((session.ends_at!.getTime() - session.starts_at!.getTime()) / 60_000, session.minutes);
    offsets.add(local.offset);
  }
  assert.equal(offsets.size, 2, 'the section spans both standard and daylight time');
});

test('a second run with no SIS change creates and updates nothing', async () => {
  const before = await rosterChecksum(env.db, env.config.schoolId);
  const summary = await runSync(env);
  for (const [type, counts] of Object.entries(summary.counts)) {
    assert.equal(written(counts), 0, `${type}: nothing written`);
    assert.ok(counts.unchanged > 0, `${type}: records compared`);
  }
  assert.equal(await rosterChecksum(env.db, env.config.schoolId), before);
});

test('an email change, a drop and a new section in the SIS appear after the next run', async () => {
  const dataset = env.simulator.getDataset();
  const student = dataset.students.find((s) => s.email)!;
  const section = dataset.sections.find(
    (s) =>
      s.status === 'Active' &&
      (dataset.enrollments[s.scheduledCourseId] ?? []).some((e) => e.status === 'Registered'),
  )!;
  const dropped = dataset.enrollments[section.scheduledCourseId]!.find((e) => e.status === 'Registered')!;
  const template = dataset.sections.find((s) => s.status === 'Active' && s.deliveryMethod.id === '1')!;
  const newSectionId = `${template.scheduledCourseId}-NEW`;

  env.simulator.mutate({
    op: 'setStudentEmail',
    studentId: student.studentId,
    email: 'changed.address@example.edu',
  });
  env.simulator.mutate({
    op: 'setEnrollmentStatus',
    scheduledCourseId: section.scheduledCourseId,
    studentId: dropped.studentId,
    status: 'Dropped',
  });
  env.simulator.mutate({
    op: 'addSection',
    section: { ...template, scheduledCourseId: newSectionId, sectionCode: `${template.sectionCode}X` },
    schedule: dataset.schedules[template.scheduledCourseId]!.map((e) => ({
      ...e,
      scheduleId: `${e.scheduleId}-NEW`,
    })),
    enrollments: [
      {
        enrollmentId: 'E-NEW-1',
        studentId: student.studentId,
        status: 'Registered',
        statusDate: template.startDate,
      },
    ],
  });

  const summary = await runSync(env);
  assert.equal(summary.counts.courses.created, 1);
  assert.equal(summary.counts.users.updated, 1);
  assert.equal(summary.counts.course_members.deactivated, 1);

  const user = await env.db
    .selectFrom('users')
    .select(['email'])
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', `student:${student.studentId}`)
    .executeTakeFirstOrThrow();
  assert.equal(user.email, 'changed.address@example.edu');

  const membership = await env.db
    .selectFrom('course_members')
    .select(['active', 'sis_status'])
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', `${section.scheduledCourseId}:student:student:${dropped.studentId}`)
    .executeTakeFirstOrThrow();
  assert.deepEqual(membership, { active: false, sis_status: 'Dropped' });

  const added = await env.db
    .selectFrom('class_sessions')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('school_id', '=', env.config.schoolId)
    .where('course_sis_key', '=', newSectionId)
    .executeTakeFirstOrThrow();
  assert.equal(Number(added.n), expectedSessionCount(env.simulator.getDataset(), newSectionId));
});

test('a student dropped and registered again (listed twice) stays an active member', async () => {
  const dataset = structuredClone(env.simulator.getDataset());
  const [sectionId, list] = Object.entries(dataset.enrollments).find(([, l]) =>
    l.some((e) => e.status === 'Registered'),
  )!;
  const registered = list.find((e) => e.status === 'Registered')!;
  list.push({
    ...registered,
    enrollmentId: `${registered.enrollmentId}-OLD`,
    status: 'Dropped',
    statusDate: '2000-01-01',
  });
  env.simulator.replaceDataset(dataset);

  const summary = await runSync(env);
  assert.equal(summary.status, 'completed');
  assert.equal(summary.counts.course_members.deactivated, 0);
  const member = await env.db
    .selectFrom('course_members')
    .select(['active', 'sis_enrollment_id'])
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', `${sectionId}:student:student:${registered.studentId}`)
    .executeTakeFirstOrThrow();
  assert.deepEqual(member, { active: true, sis_enrollment_id: registered.enrollmentId });
});

test('no workflow history holds personal data or the SIS password', async () => {
  const runs = await env.db
    .selectFrom('sync_runs')
    .select(['id', 'workflow_id'])
    .where('school_id', '=', env.config.schoolId)
    .orderBy('id')
    .execute();
  const histories = await workflowHistories(
    env.client,
    runs.flatMap((run) => [
      run.workflow_id,
      rosterWorkflowId(run.workflow_id),
      postingWorkflowId(run.workflow_id),
    ]),
  );
  // Payloads are bytes in a fetched history: searched only once decoded.
  const text = historyText(histories);
  assert.ok(text.includes('"RosterSyncWorkflow"'), 'histories were fetched');
  assert.ok(text.includes('"syncRunId":"'), 'payloads were decoded');
  // The roster histories hold section and term ids, page numbers and counts, never a person.
  assertNoPersonalDataIn(histories, initialDataset);
  assertNoPersonalDataIn(histories, env.simulator.getDataset());
  assert.ok(
    !text.toLowerCase().includes(process.env.DEMO_SIS_PASSWORD!.toLowerCase()),
    'the SIS password leaked',
  );

  // `SAVE_HISTORIES=1 npm test -- test/integration/roster-sync.test.ts` adds replay fixtures in a
  // folder of today's date; the kept ones are never rewritten (docs/deploy.md, "Workflow versioning").
  if (process.env.SAVE_HISTORIES) {
    const first = runs[0]!.workflow_id;
    const fixtures = {
      'sync-workflow.json': first,
      'roster-sync-workflow.json': rosterWorkflowId(first),
      'attendance-posting-workflow.json': postingWorkflowId(first),
    };
    const folder = `test/histories/${new Date().toISOString().slice(0, 10)}`;
    mkdirSync(folder, { recursive: true });
    for (const [file, workflowId] of Object.entries(fixtures)) {
      const [history] = await workflowHistories(env.client, [workflowId]);
      writeFileSync(
        `${folder}/${file}`,
        `{"workflowId":${JSON.stringify(workflowId)},"history":${historyToJSON(history!)}}`,
        { flag: 'wx' }, // fails rather than overwrite a kept fixture
      );
    }
  }
});
