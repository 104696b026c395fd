/**
 * Roster records the SIS gets subtly wrong: an enrollment of a student it does not know, and two
 * people with one email address. Each is synced as far as it is safe and reported.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { sql } from 'kysely';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment();
  await runSync(env);
});
after(async () => {
  await env?.close();
});

const openIssues = (rule: string) =>
  env.db
    .selectFrom('sync_issues')
    .select(['record_type', 'sis_key', 'severity', 'message'])
    .where('school_id', '=', env.config.schoolId)
    .where('rule', '=', rule)
    .where('resolved_at', 'is', null)
    .orderBy('sis_key')
    .execute();

const membersOf = (userKey: string) =>
  env.db
    .selectFrom('course_members')
    .select(['course_sis_key', 'sis_status', 'active'])
    .where('school_id', '=', env.config.schoolId)
    .where('user_sis_key', '=', userKey)
    .orderBy('course_sis_key')
    .execute();

test('an enrollment of a student the SIS does not know is no active member, gets nothing posted, and is reported', async () => {
  // A section with closed sessions, so attendance is posted for its students.
  const { course_sis_key: sectionId } = await env.db
    .selectFrom('class_sessions')
    .select('course_sis_key')
    .where('school_id', '=', env.config.schoolId)
    .where('ends_at', '<', sql<Date>`now()`)
    .orderBy('course_sis_key')
    .limit(1)
    .executeTakeFirstOrThrow();
  const dataset = structuredClone(env.simulator.getDataset());
  const section = dataset.sections.find((s) => s.scheduledCourseId === sectionId)!;
  dataset.enrollments[sectionId]!.push({
    enrollmentId: 'ghost-enrollment',
    studentId: 'ghost-student',
    status: 'Registered',
  });
  // A student who was synced, then deleted from the SIS: GetStudentByID answers 404 for them too.
  const deleted = dataset.enrollments[sectionId]!.find((e) => e.status === 'Registered')!;
  dataset.students = dataset.students.filter((s) => s.studentId !== deleted.studentId);
  assert.ok((await membersOf(`student:${deleted.studentId}`)).every((member) => member.active));
  env.simulator.replaceDataset(dataset);
  const callsBefore = env.simulator.getCalls().length;

  const summary = await runSync(env);
  assert.equal(summary.status, 'completed');
  assert.deepEqual(await membersOf('student:ghost-student'), [
    { course_sis_key: sectionId, sis_status: 'Student not found in SIS', active: false },
  ]);
  const deletedMemberships = await membersOf(`student:${deleted.studentId}`);
  assert.ok(deletedMemberships.length > 0);
  for (const member of deletedMemberships) assert.equal(member.active, false, member.course_sis_key);

  const stored = env.simulator.getAttendance().records;
  assert.ok(
    stored.some((record) => record.scheduledCourseId === sectionId),
    "the section's sessions are posted",
  );
  const posted = env.simulator
    .getCalls()
    .slice(callsBefore)
    .flatMap((call) => call.records);
  assert.deepEqual(
    [...posted, ...stored].filter((record) => record.studentId === 'ghost-student'),
    [],
  );

  const issues = await openIssues('enrollment-student-not-found');
  const ghost = issues.find((issue) => issue.sis_key === `${sectionId}:enrollment:ghost-enrollment`)!;
  assert.equal(ghost.record_type, 'course_members');
  assert.equal(
    ghost.message,
    `Section ${section.sectionCode}: enrollment ghost-enrollment names student ghost-student, whom Campus Cloud does not know (GetStudentByID answers 404). It is not an active course member and no attendance is posted for it. Correct the enrollment's student in Campus Cloud; the next sync picks it up.`,
  );
  assert.ok(issues.some((issue) => issue.sis_key === `${sectionId}:enrollment:${deleted.enrollmentId}`));
});

test('two active users with one email address (any case) are both synced and reported by their SIS ids', async () => {
  const dataset = env.simulator.getDataset();
  const student = dataset.students.find((s) => s.status === 'Active' && s.email)!;
  const staff = dataset.users.find((u) => u.active && u.roles.includes('Staff') && u.email)!;
  env.simulator.mutate({ op: 'setStudentEmail', studentId: student.studentId, email: 'Pat.Lee@Example.edu' });
  env.simulator.mutate({ op: 'setUserEmail', userId: staff.userId, email: 'pat.lee@example.EDU' });

  assert.equal((await runSync(env)).status, 'completed');
  const keys = [`student:${student.studentId}`, `user:${staff.userId}`].sort();
  const users = await env.db
    .selectFrom('users')
    .select(['sis_key', 'email', 'active'])
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', 'in', keys)
    .orderBy('sis_key')
    .execute();
  assert.deepEqual(
    users.map((user) => [user.sis_key, user.email?.toLowerCase(), user.active]),
    keys.map((key) => [key, 'pat.lee@example.edu', true]),
  );
  const issues = await openIssues('shared-email');
  assert.deepEqual(
    issues.map((issue) => [issue.record_type, issue.sis_key, issue.severity]),
    [['users', keys[0], 'warning']],
  );
  assert.equal(
    issues[0]!.message,
    `Users ${keys[0]} and ${keys[1]} have the same email address in Campus Cloud, so at most one of them can sign in to CourseKey. Give each person their own email address in Campus Cloud; all of them stay synced meanwhile.`,
  );
  assert.doesNotMatch(issues[0]!.message, /pat\.lee|example\.edu/i, 'no email address in the issue');

  env.simulator.mutate({ op: 'setUserEmail', userId: staff.userId, email: 'pat.lee.staff@example.edu' });
  await runSync(env);
  assert.deepEqual(await openIssues('shared-email'), []);
});
