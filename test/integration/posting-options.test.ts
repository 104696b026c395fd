import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import { after, before, test } from 'node:test';
import { editWindowClosesAt } from '../../src/coursekey/attendance-minutes';
import { computedAttendance } from '../support/computed-attendance';
import { absent, addEveningSection, present } from '../support/evening-section';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
let startDate: string;
before(async () => {
  env = await startTestEnvironment({
    configure: (config) => {
      // A school that went live two weeks ago and lets instructors finish their edits first.
      startDate = DateTime.now().setZone(config.timeZone).minus({ days: 14 }).toISODate()!;
      config.posting = { startDate, afterEditWindow: true };
      // A week's window: every weekly section has a session that ended within it, whatever the weekday.
      for (const method of Object.values(config.attendanceMethods)) method.instructorEditWindowDays = 7;
    },
  });
});
after(async () => {
  await env?.close();
});

test('a posting start date and waiting for the edit window: nothing earlier, nothing still editable is posted', async () => {
  const run = await runSync(env);
  assert.equal(run.status, 'completed');
  const posted = env.simulator.getAttendance().records;
  assert.ok(posted.length > 100, `something was posted (${posted.length})`);
  assert.ok(
    posted.every((record) => record.date >= startDate),
    'no record dated before the start date',
  );
  const asOf = new Date(run.posting.asOf);
  assert.equal(
    posted.length,
    (await computedAttendance(env, asOf)).length,
    'the SIS holds what CourseKey computes',
  );

  const sessions = await env.db
    .selectFrom('class_sessions')
    .innerJoin('courses', (join) =>
      join
        .onRef('courses.school_id', '=', 'class_sessions.school_id')
        .onRef('courses.sis_key', '=', 'class_sessions.course_sis_key'),
    )
    .select([
      'class_sessions.course_sis_key as course',
      'class_sessions.session_date as date',
      'class_sessions.kind',
      'class_sessions.starts_at',
      'class_sessions.ends_at',
      'class_sessions.minutes',
      'courses.attendance_method as method',
    ])
    .where('class_sessions.school_id', '=', env.config.schoolId)
    .where('courses.active', '=', true)
    .execute();
  const postedDays = new Set(posted.map((record) => `${record.scheduledCourseId}|${record.date}`));
  let ended = 0;
  let beforeStart = 0;
  for (const row of sessions) {
    const rule = env.config.attendanceMethods[row.method];
    if (!rule || row.kind !== 'sync' || !row.ends_at || row.ends_at > asOf) continue;
    const session = {
      kind: row.kind,
      date: row.date,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      minutes: row.minutes,
    };
    const editable = editWindowClosesAt(session, rule.instructorEditWindowDays, env.config.timeZone) > asOf;
    if (editable && row.date >= startDate) {
      ended++;
      assert.ok(
        !postedDays.has(`${row.course}|${row.date}`),
        `${row.course} on ${row.date} is still editable`,
      );
    }
    if (row.date < startDate) beforeStart++;
  }
  assert.ok(ended > 0, 'sessions that ended but are still editable exist, and were held back');
  assert.ok(beforeStart > 0, 'sessions before the start date exist, and were left out');
});

test('after the edit window: a student withdrawn while their sessions are still editable is posted for them once the window closes, LDA included', async () => {
  const [first, second] = env.simulator.getDataset().students;
  const W = first!.studentId;
  const L = second!.studentId;
  const evening = await addEveningSection(env, 'EVENING-OPTIONS', (week) => [
    { studentId: W, registeredOn: week(-5) },
    { studentId: L, registeredOn: week(-1) },
  ]);
  const { sectionId, week } = evening;
  const windowDays = env.config.attendanceMethods.Classroom!.instructorEditWindowDays;
  const daysAgo = (days: number, minutes: number) =>
    new Date(Date.now() - days * 86_400_000 - minutes * 60_000);
  const callsBefore = env.simulator.getCalls().length;
  await runSync(env);
  // Three weeks ago is before the posting start date; last week's session is still editable.
  assert.deepEqual(evening.sisRecords(W), [absent(week(-2))]);

  // W attended last week; W withdraws today, while that session is still editable.
  await evening.attend(W, week(-1));
  env.simulator.mutate({
    op: 'setEnrollmentStatus',
    scheduledCourseId: sectionId,
    studentId: W,
    status: 'Withdrawn',
  });
  await runSync(env);
  assert.deepEqual(evening.sisRecords(W), [absent(week(-2))], 'nothing posted while still editable');

  // The edit windows of last week's session and of today's (attended) close.
  await evening.endSessions([week(-1)], daysAgo(windowDays, 60));
  await evening.endSessions([week(0)], daysAgo(windowDays, 5));
  await evening.attend(W, week(0));
  await runSync(env);
  assert.deepEqual(evening.sisRecords(W), [absent(week(-2)), present(week(-1)), present(week(0))]);
  assert.equal(evening.sisLastDateAttended(W), week(0));
  assert.deepEqual(
    evening.sisRecords(L),
    [absent(week(-1)), absent(week(0))],
    'the late add from registration on',
  );
  assert.deepEqual(evening.sisRejections(callsBefore), []);
});
