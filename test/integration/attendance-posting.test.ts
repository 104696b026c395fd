import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { postingWorkflowId, type SyncWorkflow } from '../../src/workflows/sync';
import { storeSchoolConfig } from '../../src/client/school-schedules';
import { insertCheckIns } from '../../src/db/check-ins';
import { generateCheckIns } from '../../src/simulator/generate-check-ins';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { assertNoPersonalDataIn, historyText, workflowHistories } from '../support/histories';
import { computedAttendance } from '../support/computed-attendance';
import { absent, addEveningSection, present, type EveningSection } from '../support/evening-section';

let env: TestEnvironment;
type RunResult = Awaited<ReturnType<typeof SyncWorkflow>>;
let first: RunResult;
/** The environment's runSync, with the result SyncWorkflow returns. */
const sync = async () => (await runSync(env)) as RunResult;
before(async () => {
  env = await startTestEnvironment();
  const checkIns = generateCheckIns(env.simulator.getDataset(), env.config, { now: new Date(), seed: 3 });
  await insertCheckIns(env.db, env.config.schoolId, checkIns);
  first = await sync();
  lastAsOf = first.posting!.asOf;
});
after(async () => {
  await env?.close();
});

const recordKey = (r: { studentId: string; scheduledCourseId: string; date: string; type: string }) =>
  `${r.studentId}|${r.scheduledCourseId}|${r.date}|${r.type}`;

async function computedRecords(asOf: string) {
  return (await computedAttendance(env, new Date(asOf))).map(
    ({ scheduledMinutes: _scheduled, ...record }) => record,
  );
}

const courseStates = () =>
  env.db
    .selectFrom('attendance_course_state')
    .selectAll()
    .where('school_id', '=', env.config.schoolId)
    .orderBy('course_sis_key')
    .execute();

/**
 * Runs a sync and says what the clock alone made due since the previous posting, so the counts can
 * be exact whenever the tests run: `closing`, the courses whose next session closed by the run's
 * clock; `fresh`, the records of sessions closed between the two clocks.
 */
async function syncWithClock() {
  const states = await courseStates();
  const previous = lastAsOf;
  const run = await sync();
  const asOf = run.posting!.asOf;
  lastAsOf = asOf;
  const closing = new Set(
    states.filter((s) => s.next_close_at && s.next_close_at <= new Date(asOf)).map((s) => s.course_sis_key),
  );
  const before = new Set((await computedRecords(previous)).map(recordKey));
  const fresh = (await computedRecords(asOf)).filter((r) => !before.has(recordKey(r)));
  return { run, posting: run.posting!, closing, fresh };
}
let lastAsOf: string;

const postedRecords = () => env.simulator.getCalls().reduce((n, call) => n + call.records.length, 0);

test('the SIS stores, record for record, the attendance CourseKey computed, with LDA for every student who attended', async () => {
  assert.equal(first.status, 'completed');
  const posting = first.posting!;
  const computed = await computedRecords(posting.asOf);
  assert.ok(computed.length > 1000, `a realistic amount of attendance (${computed.length})`);
  assert.ok(
    computed.some((r) => r.type === 'Regular') && computed.some((r) => r.type === 'Async'),
    'both types',
  );
  assert.ok(computed.some((r) => r.attendedMinutes === 0) && computed.some((r) => r.absentMinutes > 0));
  assert.deepEqual(
    { posted: posting.posted, accepted: posting.accepted, rejected: posting.rejected },
    { posted: computed.length, accepted: computed.length, rejected: 0 },
  );
  for (const call of env.simulator.getCalls()) assert.ok(call.records.length <= 500, 'at most 500 per call');

  const stored = env.simulator.getAttendance();
  const sis = stored.records
    .map(({ studentId, scheduledCourseId, date, type, attendedMinutes, absentMinutes }) => ({
      studentId,
      scheduledCourseId,
      date,
      type,
      attendedMinutes,
      absentMinutes,
    }))
    .sort((a, b) => recordKey(a).localeCompare(recordKey(b)));
  assert.deepEqual(
    sis,
    computed.sort((a, b) => recordKey(a).localeCompare(recordKey(b))),
  );

  const expectedLda = new Map<string, string>();
  for (const r of computed) {
    const key = `${r.scheduledCourseId}|${r.studentId}`;
    if (r.attendedMinutes > 0 && r.date > (expectedLda.get(key) ?? '')) expectedLda.set(key, r.date);
  }
  const sisLda = new Map(
    stored.lastDatesAttended.map((l) => [`${l.scheduledCourseId}|${l.studentId}`, l.lastDateAttended]),
  );
  assert.ok(expectedLda.size > 100);
  assert.deepEqual(sisLda, expectedLda);
  assert.equal(posting.lastDatesPosted, expectedLda.size);
});

test('a second run computes and posts nothing; an instructor edit makes exactly that record post again', async () => {
  const callsBefore = env.simulator.getCalls().length;
  const second = await syncWithClock();
  assert.equal(second.posting.courses, second.closing.size, 'only courses whose next session closed');
  assert.equal(second.posting.posted, second.fresh.length, 'only records of sessions closed since');
  assert.equal(second.posting.lastDatesPosted, 0);
  if (second.closing.size === 0) assert.equal(env.simulator.getCalls().length, callsBefore, 'no call at all');

  // A Regular record with minutes to take away, on a day its section meets once.
  const candidates = (await computedAttendance(env, new Date(lastAsOf))).filter(
    (r) => r.type === 'Regular' && r.attendedMinutes > 30,
  );
  let target:
    { session: string; course: string; student: string; attended: number; scheduled: number } | undefined;
  for (const record of candidates) {
    const sessions = await env.db
      .selectFrom('class_sessions')
      .select('sis_key')
      .where('school_id', '=', env.config.schoolId)
      .where('course_sis_key', '=', record.scheduledCourseId)
      .where('session_date', '=', record.date)
      .execute();
    if (sessions.length !== 1) continue;
    target = {
      session: sessions[0]!.sis_key,
      course: record.scheduledCourseId,
      student: record.studentId,
      attended: record.attendedMinutes,
      scheduled: record.scheduledMinutes,
    };
    break;
  }
  assert.ok(target, 'a record to edit');
  await env.db
    .insertInto('attendance_edits')
    .values({
      school_id: env.config.schoolId,
      session_sis_key: target.session,
      course_sis_key: target.course,
      student_sis_id: target.student,
      attended_minutes: target.attended - 30,
      edited_by: 'instructor-test',
    })
    .execute();

  const callsBeforeEdit = env.simulator.getCalls().length;
  const third = await syncWithClock();
  assert.equal(
    third.posting.courses,
    new Set([target.course, ...third.closing]).size,
    'the edited course, and any whose session closed',
  );
  assert.equal(third.posting.posted, 1 + third.fresh.length);
  const records = env.simulator
    .getCalls()
    .slice(callsBeforeEdit)
    .flatMap((call) => call.records)
    .filter((r) => r.scheduledCourseId === target.course && r.studentId === target.student);
  assert.equal(records.length, 1, 'exactly the edited record posted again');
  assert.deepEqual(
    { attended: records[0]!.attendedMinutes, absent: records[0]!.absentMinutes },
    { attended: target.attended - 30, absent: target.scheduled - target.attended + 30 },
  );
});

test('a rejected record is stored with the SIS message, the rest of its call is accepted, and it is not retried', async () => {
  const dataset = env.simulator.getDataset();
  const [section, other] = dataset.sections.filter((s) => s.status === 'Active' && s.startDate! < s.endDate!);
  const enrolled = new Set((dataset.enrollments[section!.scheduledCourseId] ?? []).map((e) => e.studentId));
  const outsider = dataset.enrollments[other!.scheduledCourseId]!.find((e) => !enrolled.has(e.studentId))!;
  const insider = dataset.enrollments[section!.scheduledCourseId]!.find((e) => e.status === 'Registered')!;
  const makeup = (studentId: string) => ({
    school_id: env.config.schoolId,
    course_sis_key: section!.scheduledCourseId,
    student_sis_id: studentId,
    makeup_date: section!.startDate!,
    minutes: 45,
    entered_by: 'admin-test',
  });
  await env.db
    .insertInto('makeup_minutes')
    .values([makeup(outsider.studentId), makeup(insider.studentId)])
    .execute();

  const callsBefore = env.simulator.getCalls().length;
  const { posting, fresh } = await syncWithClock();
  assert.deepEqual(
    { posted: posting.posted, accepted: posting.accepted, rejected: posting.rejected },
    { posted: 2 + fresh.length, accepted: 1 + fresh.length, rejected: 1 },
  );
  assert.equal(
    env.simulator.getCalls().length - callsBefore,
    2,
    'one call of records, one of the LDA it moved',
  );
  const ledger = await env.db
    .selectFrom('attendance_ledger')
    .select(['student_sis_id', 'status', 'sis_message'])
    .where('school_id', '=', env.config.schoolId)
    .where('type', '=', 'Makeup')
    .orderBy('status')
    .execute();
  assert.deepEqual(ledger[0], { student_sis_id: insider.studentId, status: 'accepted', sis_message: null });
  assert.equal(ledger[1]!.status, 'rejected');
  assert.match(ledger[1]!.sis_message!, /not enrolled/);

  const again = await syncWithClock();
  assert.equal(
    again.posting.posted,
    again.fresh.length,
    'the rejection is not retried while its data is unchanged',
  );
});

test('a record the SIS leaves out of its answer stays due: its course is computed again and the record and its LDA posted next run', async () => {
  const dataset = env.simulator.getDataset();
  const states = await courseStates();
  const today = lastAsOf.slice(0, 10);
  const ldaOf = (sectionId: string, studentId: string) =>
    env.simulator
      .getAttendance()
      .lastDatesAttended.find((l) => l.scheduledCourseId === sectionId && l.studentId === studentId)
      ?.lastDateAttended;
  // A makeup on the section's last day so far, later than the student's LDA, so it moves the LDA.
  const target = dataset.sections
    .filter((s) => s.status === 'Active' && s.startDate! <= today)
    .filter((s) => states.some((c) => c.course_sis_key === s.scheduledCourseId))
    .flatMap((s) =>
      (dataset.enrollments[s.scheduledCourseId] ?? [])
        .filter((e) => e.status === 'Registered')
        .map((e) => ({
          section: s.scheduledCourseId,
          student: e.studentId,
          date: s.endDate! < today ? s.endDate! : today,
          ldaBefore: ldaOf(s.scheduledCourseId, e.studentId),
        })),
    )
    .find((t) => (t.ldaBefore ?? '') < t.date)!;
  assert.ok(target, 'a student whose LDA a makeup can move');
  await env.db
    .insertInto('makeup_minutes')
    .values({
      school_id: env.config.schoolId,
      course_sis_key: target.section,
      student_sis_id: target.student,
      makeup_date: target.date,
      minutes: 30,
      entered_by: 'admin-test',
    })
    .execute();
  const makeupInLedger = () =>
    env.db
      .selectFrom('attendance_ledger')
      .select('status')
      .where('school_id', '=', env.config.schoolId)
      .where('course_sis_key', '=', target.section)
      .where('student_sis_id', '=', target.student)
      .where('type', '=', 'Makeup')
      .execute();

  env.simulator.setFaults({ unansweredStudentIds: [target.student] });
  try {
    const silent = await syncWithClock();
    assert.equal(silent.posting.posted, 1 + silent.fresh.length, 'the makeup was sent');
    assert.equal(silent.posting.accepted + silent.posting.rejected, silent.fresh.length, 'but not answered');
  } finally {
    env.simulator.setFaults({});
  }
  assert.deepEqual(await makeupInLedger(), [], 'no answer, no ledger entry');
  const [state] = (await courseStates()).filter((s) => s.course_sis_key === target.section);
  assert.equal(state!.rules_hash, 'unsettled');
  assert.equal(ldaOf(target.section, target.student), target.ldaBefore, 'no LDA from an unanswered record');

  const next = await syncWithClock();
  assert.ok(next.posting.courses >= 1, 'the course is computed again');
  assert.equal(next.posting.posted, 1 + next.fresh.length, 'the makeup is sent again');
  assert.deepEqual(await makeupInLedger(), [{ status: 'accepted' }]);
  assert.equal(ldaOf(target.section, target.student), target.date, 'and its LDA follows');
});

test('a course is computed again when a session of it closes or its roster changes; every course when the minutes rules change', async () => {
  // The state remembers when each course's next session closes: the end of one of its sessions.
  const states = await courseStates();
  const classroom = await env.db
    .selectFrom('courses')
    .select('sis_key')
    .where('school_id', '=', env.config.schoolId)
    .where('attendance_method', '=', 'Classroom')
    .execute();
  const open = states.find(
    (state) => state.next_close_at !== null && classroom.some((c) => c.sis_key === state.course_sis_key),
  );
  assert.ok(open, 'a classroom course with sessions still to come');
  const endingThen = await env.db
    .selectFrom('class_sessions')
    .select('sis_key')
    .where('school_id', '=', env.config.schoolId)
    .where('course_sis_key', '=', open.course_sis_key)
    .where('ends_at', '=', open.next_close_at)
    .execute();
  assert.ok(endingThen.length > 0, 'next_close_at is the end of one of its sessions');

  // That time passing (set back here) makes exactly that course due.
  await env.db
    .updateTable('attendance_course_state')
    .set({ next_close_at: new Date(Date.now() - 60_000) })
    .where('school_id', '=', env.config.schoolId)
    .where('course_sis_key', '=', open.course_sis_key)
    .execute();
  const afterClose = await syncWithClock();
  assert.equal(afterClose.posting.courses, new Set([open.course_sis_key, ...afterClose.closing]).size);
  assert.equal(afterClose.posting.posted, afterClose.fresh.length, 'nothing new in it');

  // A drop in the SIS reaches the roster, and the trigger on course_members makes the course due.
  const dataset = env.simulator.getDataset();
  const section = dataset.sections.find(
    (s) =>
      s.scheduledCourseId !== open.course_sis_key &&
      states.some((c) => c.course_sis_key === s.scheduledCourseId) &&
      (dataset.enrollments[s.scheduledCourseId] ?? []).some((e) => e.status === 'Registered'),
  )!;
  const student = dataset.enrollments[section.scheduledCourseId]!.find((e) => e.status === 'Registered')!;
  env.simulator.mutate({
    op: 'setEnrollmentStatus',
    scheduledCourseId: section.scheduledCourseId,
    studentId: student.studentId,
    status: 'Dropped',
  });
  const afterDrop = await syncWithClock();
  assert.equal(afterDrop.posting.courses, new Set([section.scheduledCourseId, ...afterDrop.closing]).size);
  assert.equal(afterDrop.posting.posted, afterDrop.fresh.length);

  // New minutes rules: every active course is computed again.
  const method = Object.keys(env.config.attendanceMethods)[0]!;
  const rules = env.config.attendanceMethods[method]!;
  const changed = structuredClone(env.config);
  changed.attendanceMethods[method] = { ...rules, tardyThresholdMinutes: rules.tardyThresholdMinutes + 1 };
  await storeSchoolConfig(env.db, changed);
  try {
    const afterRules = await syncWithClock();
    const active = await env.db
      .selectFrom('courses')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('school_id', '=', env.config.schoolId)
      .where('active', '=', true)
      .executeTakeFirstOrThrow();
    assert.equal(afterRules.posting.courses, Number(active.n));
    const again = await syncWithClock();
    assert.equal(again.posting.courses, again.closing.size, 'and then only what the clock makes due');
  } finally {
    await storeSchoolConfig(env.db, env.config);
  }
});

/** W registered before the term, L mid-term: the dated-membership tests follow them in a section of their own. */
let evening: EveningSection;
let W: string;
let L: string;

test('a student added mid-term is posted from the registration date on, not absent before it', async () => {
  const [first, second] = env.simulator.getDataset().students;
  W = first!.studentId;
  L = second!.studentId;
  evening = await addEveningSection(env, 'EVENING-POSTING', (week) => [
    { studentId: W, registeredOn: week(-5) },
    { studentId: L, registeredOn: week(-1) },
  ]);
  const { week } = evening;
  const callsBefore = env.simulator.getCalls().length;
  await sync();
  assert.deepEqual(evening.sisRecords(W), [absent(week(-3)), absent(week(-2)), absent(week(-1))]);
  assert.deepEqual(evening.sisRecords(L), [absent(week(-1))], 'nothing before the registration date');
  assert.deepEqual(evening.sisRejections(callsBefore), []);
});

test("a student withdrawn between a session's close and the next posting is posted for every session up to the status date, LDA included", async () => {
  const { sectionId, week } = evening;
  // W attends last week's session and tonight's; tonight's ends, W withdraws, and only then does the
  // next posting run. A session of the week after closes too: W is no longer enrolled for it.
  await evening.attend(W, week(-1));
  await evening.endSessions([week(0)], new Date(Date.now() - 5 * 60_000));
  await evening.endSessions([week(1)], new Date(Date.now() - 60_000));
  await evening.attend(W, week(0));
  env.simulator.mutate({
    op: 'setEnrollmentStatus',
    scheduledCourseId: sectionId,
    studentId: W,
    status: 'Withdrawn',
  });
  const callsBefore = env.simulator.getCalls().length;
  await sync();

  assert.deepEqual(
    evening.sisRecords(W),
    [absent(week(-3)), absent(week(-2)), present(week(-1)), present(week(0))],
    'every session up to the status date, and none after',
  );
  assert.equal(evening.sisLastDateAttended(W), week(0), 'the LDA aid refunds are computed from');
  assert.deepEqual(evening.sisRecords(L), [absent(week(-1)), absent(week(0)), absent(week(1))]);
  assert.deepEqual(evening.sisRejections(callsBefore), [], 'the SIS accepts all of it');
  // The registration date outlived the withdrawal, which ends the membership.
  const member = await env.db
    .selectFrom('course_members')
    .select(['active', 'enrolled_from', 'enrolled_until'])
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', `${sectionId}:student:student:${W}`)
    .executeTakeFirstOrThrow();
  const { statusDate } = env.simulator.getDataset().enrollments[sectionId]!.find((e) => e.studentId === W)!;
  assert.deepEqual(member, { active: false, enrolled_from: week(-5), enrolled_until: statusDate });
});

test('posting histories hold a course cursor and counts, no student data', async () => {
  const runs = await env.db
    .selectFrom('sync_runs')
    .select('workflow_id')
    .where('school_id', '=', env.config.schoolId)
    .execute();
  const histories = await workflowHistories(
    env.client,
    runs.map((r) => postingWorkflowId(r.workflow_id)),
  );
  const text = historyText(histories);
  // Decoded payloads: the activity's input and results are readable, so the check below can bite.
  assert.match(text, /"afterCourse":/);
  assert.match(text, /"asOf":"\d{4}-\d\d-\d\dT/);
  assertNoPersonalDataIn(histories, env.simulator.getDataset());
  assert.ok(postedRecords() > 0);
});
