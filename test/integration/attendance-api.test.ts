import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/accounts/api-keys';
import { projectRoot } from '../../src/infra/paths';
import { createHttpServer } from '../../src/http/server';
import { storeSchoolConfig } from '../../src/client/school-schedules';
import { campusToday } from '../../src/coursekey/sync-window';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
let http: FastifyInstance;
let keyA: string;
let keyB: string;
const schoolB = 'other-school';
let session: { id: string; course: string; student: string; minutes: number };
let oldSession: { id: string; student: string };

before(async () => {
  // A two-week edit window, so the most recent session is editable whatever the weekday.
  env = await startTestEnvironment({
    configure: (config) => {
      for (const method of Object.values(config.attendanceMethods)) method.instructorEditWindowDays = 14;
    },
  });
  await runSync(env);
  await env.db
    .insertInto('schools')
    .values({
      id: schoolB,
      name: 'Other School',
      campus_id: 'OTHER',
      time_zone: env.config.timeZone,
      environment: 'test',
      sis_base_url: env.config.sis.baseUrl,
      config: JSON.stringify({ ...env.config, schoolId: schoolB }),
    })
    .execute();
  keyA = (await createApiKey(env.db, env.config.schoolId, 'test A')).key;
  keyB = (await createApiKey(env.db, schoolB, 'test B')).key;
  http = await createHttpServer({ db: env.db, temporalUiUrl: 'http://127.0.0.1:8233' });

  const pastSession = (order: 'asc' | 'desc') =>
    env.db
      .selectFrom('class_sessions')
      .innerJoin('course_members', (join) =>
        join
          .onRef('course_members.course_sis_key', '=', 'class_sessions.course_sis_key')
          .onRef('course_members.school_id', '=', 'class_sessions.school_id'),
      )
      .select([
        'class_sessions.sis_key as id',
        'class_sessions.course_sis_key as course',
        'course_members.user_sis_key as member',
        'class_sessions.minutes',
      ])
      .where('class_sessions.school_id', '=', env.config.schoolId)
      .where('class_sessions.kind', '=', 'sync')
      .where('course_members.role', '=', 'student')
      .where('course_members.active', '=', true)
      .where('class_sessions.ends_at', '<', new Date())
      .orderBy('class_sessions.ends_at', order)
      .executeTakeFirstOrThrow();
  const recent = await pastSession('desc');
  session = {
    id: recent.id,
    course: recent.course,
    student: recent.member.slice(8),
    minutes: recent.minutes,
  };
  const old = await pastSession('asc');
  oldSession = { id: old.id, student: old.member.slice(8) };
});
after(async () => {
  await http?.close();
  await env?.close();
});

const call = (
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  key: string | undefined,
  payload?: object,
) =>
  http.inject({
    method,
    url: `/api/v1${url}`,
    headers: key ? { authorization: `Bearer ${key}` } : {},
    ...(payload ? { payload } : {}),
  });
const school = () => `/schools/${env.config.schoolId}`;
const stored = async (table: 'check_ins' | 'attendance_edits' | 'makeup_minutes') =>
  Number(
    (
      await env.db
        .selectFrom(table)
        .select(({ fn }) => fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

test('check-in, check-out, instructor edit and makeup are recorded and read back as the course attendance', async () => {
  const start = await env.db
    .selectFrom('class_sessions')
    .select(['starts_at', 'ends_at'])
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', session.id)
    .executeTakeFirstOrThrow();
  const inAt = new Date(start.starts_at!.getTime() + 2 * 60_000).toISOString();
  const outAt = new Date(start.ends_at!.getTime() - 40 * 60_000).toISOString();
  const base = { sessionId: session.id, studentId: session.student };
  assert.equal(
    (await call('POST', `${school()}/check-ins`, keyA, { ...base, checkedInAt: inAt })).statusCode,
    201,
  );
  assert.equal(
    (await call('POST', `${school()}/check-outs`, keyA, { ...base, checkedOutAt: outAt })).statusCode,
    200,
  );

  const read = async () =>
    (await call('GET', `${school()}/courses/${session.course}/attendance`, keyA)).json() as {
      records: {
        studentId: string;
        type: string;
        attendedMinutes: number;
        absentMinutes: number;
        date: string;
      }[];
      lastDatesAttended: { studentId: string; lastDateAttended: string }[];
    };
  const mine = (body: Awaited<ReturnType<typeof read>>) =>
    body.records.filter((r) => r.studentId === session.student);
  const computed = mine(await read()).find((r) => r.type === 'Regular' && r.attendedMinutes > 0)!;
  assert.equal(computed.attendedMinutes, Math.max(0, session.minutes - 40), 'left 40 minutes early');

  const edit = await call('PUT', `${school()}/attendance-edits`, keyA, {
    ...base,
    attendedMinutes: 12,
    editedBy: 'instructor 7',
  });
  assert.equal(edit.statusCode, 200, edit.body);
  const makeup = await call('POST', `${school()}/makeup-minutes`, keyA, {
    courseId: session.course,
    studentId: session.student,
    date: computed.date,
    minutes: 30,
    enteredBy: 'registrar',
  });
  assert.equal(makeup.statusCode, 201, makeup.body);
  const after = mine(await read());
  assert.equal(after.find((r) => r.date === computed.date && r.type === 'Regular')!.attendedMinutes, 12);
  assert.equal(after.find((r) => r.type === 'Makeup')!.attendedMinutes, 30);
});

test('an edit after the method edit window is refused', async () => {
  const response = await call('PUT', `${school()}/attendance-edits`, keyA, {
    sessionId: oldSession.id,
    studentId: oldSession.student,
    attendedMinutes: 10,
    editedBy: 'instructor 7',
  });
  assert.equal(response.statusCode, 409);
  assert.equal(response.json().error.code, 'edit-window-closed');
});

test("a key of school A gets 403 on school B's data and cannot reach A's data through B", async () => {
  const before = await stored('check_ins');
  const read = await call('GET', `/schools/${schoolB}/courses/${session.course}/attendance`, keyA);
  assert.equal(read.statusCode, 403);
  const write = await call('POST', `/schools/${schoolB}/check-ins`, keyA, {
    sessionId: session.id,
    studentId: session.student,
    checkedInAt: new Date().toISOString(),
  });
  assert.equal(write.statusCode, 403);
  const crossRead = await call('GET', `${school()}/courses/${session.course}/attendance`, keyB);
  assert.equal(crossRead.statusCode, 403);
  const viaB = await call('POST', `/schools/${schoolB}/check-ins`, keyB, {
    sessionId: session.id,
    studentId: session.student,
    checkedInAt: new Date().toISOString(),
  });
  assert.equal(viaB.statusCode, 404, "B's key finds no session of A in B");
  assert.equal(await stored('check_ins'), before);
});

test('a missing, unknown or revoked key gets 401', async () => {
  const url = `${school()}/courses/${session.course}/attendance`;
  assert.equal((await call('GET', url, undefined)).statusCode, 401);
  assert.equal((await call('GET', url, 'ck_not-a-real-key')).statusCode, 401);
  const { id, key } = await createApiKey(env.db, env.config.schoolId, 'to revoke');
  assert.equal((await call('GET', url, key)).statusCode, 200);
  await env.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).execute();
  const revoked = await call('GET', url, key);
  assert.equal(revoked.statusCode, 401);
  assert.ok(!revoked.body.includes(key), 'the key is not echoed');
});

test('malformed input gets 400 naming the field, and nothing is stored', async () => {
  const counts = async () => [
    await stored('check_ins'),
    await stored('attendance_edits'),
    await stored('makeup_minutes'),
  ];
  const before = await counts();
  const cases: [string, string, object, string][] = [
    [
      'POST',
      'check-ins',
      { sessionId: session.id, studentId: session.student, checkedInAt: 'yesterday 9am' },
      'checkedInAt',
    ],
    ['POST', 'check-ins', { sessionId: session.id, checkedInAt: new Date().toISOString() }, 'studentId'],
    [
      'PUT',
      'attendance-edits',
      { sessionId: session.id, studentId: session.student, attendedMinutes: 'ninety', editedBy: 'x' },
      'attendedMinutes',
    ],
    [
      'PUT',
      'attendance-edits',
      { sessionId: session.id, studentId: session.student, attendedMinutes: 5000, editedBy: 'x' },
      'attendedMinutes',
    ],
    [
      'POST',
      'makeup-minutes',
      {
        courseId: session.course,
        studentId: session.student,
        date: '2026-13-01',
        minutes: 30,
        enteredBy: 'x',
      },
      'date',
    ],
    [
      'POST',
      'makeup-minutes',
      {
        courseId: session.course,
        studentId: session.student,
        date: '2026-10-01',
        minutes: -3,
        enteredBy: 'x',
      },
      'minutes',
    ],
  ];
  for (const [method, path, payload, field] of cases) {
    const response = await call(method as 'POST' | 'PUT', `${school()}/${path}`, keyA, payload);
    assert.equal(response.statusCode, 400, `${path} ${field}: ${response.body}`);
    assert.equal(response.json().error.field, field);
    assert.match(response.json().error.message, new RegExp(`^${field}: `));
  }
  assert.deepEqual(await counts(), before);
});

test('`api-key create` prints a key once and stores only its hash; `api-key revoke` ends it', async () => {
  const run = (...args: string[]) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/client/cli.ts', 'api-key', ...args], {
      cwd: projectRoot,
      env: { ...process.env, DATABASE_URL: env.databaseUrl },
    });
  const created = await run('create', '--school', env.config.schoolId, '--label', 'cli test');
  const [, id, key] = /API key (\d+) .*\n(ck_\S+)/.exec(created.stdout)!;
  const row = await env.db.selectFrom('api_keys').selectAll().where('id', '=', id!).executeTakeFirstOrThrow();
  assert.notEqual(row.key_hash, key);
  assert.ok(!JSON.stringify(row).includes(key!.slice(3)));
  assert.equal((await call('GET', `${school()}/courses/${session.course}/attendance`, key)).statusCode, 200);
  await run('revoke', '--id', id!);
  assert.equal((await call('GET', `${school()}/courses/${session.course}/attendance`, key)).statusCode, 401);
});

test("a withdrawn student's sessions up to the status date can still be edited, and the edit is posted; later ones cannot", async () => {
  const other = await env.db
    .selectFrom('course_members')
    .select('user_sis_key')
    .where('school_id', '=', env.config.schoolId)
    .where('course_sis_key', '=', session.course)
    .where('role', '=', 'student')
    .where('active', '=', true)
    .where('user_sis_key', '!=', `student:${session.student}`)
    .executeTakeFirstOrThrow();
  const studentId = other.user_sis_key.slice('student:'.length);
  env.simulator.mutate({
    op: 'setEnrollmentStatus',
    scheduledCourseId: session.course,
    studentId,
    status: 'Withdrawn',
  });
  await runSync(env);
  const { statusDate } = env.simulator
    .getDataset()
    .enrollments[session.course]!.find((e) => e.studentId === studentId)!;

  const edit = await call('PUT', `${school()}/attendance-edits`, keyA, {
    sessionId: session.id,
    studentId,
    attendedMinutes: 7,
    editedBy: 'instructor 7',
  });
  assert.equal(edit.statusCode, 200, edit.body);
  const later = await env.db
    .selectFrom('class_sessions')
    .select(['sis_key', 'session_date'])
    .where('school_id', '=', env.config.schoolId)
    .where('course_sis_key', '=', session.course)
    .where('session_date', '>', statusDate!)
    .executeTakeFirstOrThrow();
  const refused = await call('PUT', `${school()}/attendance-edits`, keyA, {
    sessionId: later.sis_key,
    studentId,
    attendedMinutes: 7,
    editedBy: 'instructor 7',
  });
  assert.equal(refused.statusCode, 422, refused.body);
  assert.equal(refused.json().error.code, 'not-enrolled');

  await runSync(env);
  const { session_date: date } = await env.db
    .selectFrom('class_sessions')
    .select('session_date')
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', session.id)
    .executeTakeFirstOrThrow();
  const posted = env.simulator
    .getAttendance()
    .records.find(
      (r) =>
        r.scheduledCourseId === session.course &&
        r.studentId === studentId &&
        r.date === date &&
        r.type === 'Regular',
    );
  assert.equal(posted?.attendedMinutes, 7, 'the SIS holds the edited minutes');
});

test('makeup minutes outside the course, before the posting start date or in the future are refused', async () => {
  const course = await env.db
    .selectFrom('courses')
    .select(['start_date', 'end_date'])
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', session.course)
    .executeTakeFirstOrThrow();
  const today = campusToday(env.config);
  const dayAfter = (date: string) =>
    new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const dayBefore = (date: string) =>
    new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const before = await stored('makeup_minutes');
  const makeup = (date: string) =>
    call('POST', `${school()}/makeup-minutes`, keyA, {
      courseId: session.course,
      studentId: session.student,
      date,
      minutes: 30,
      enteredBy: 'registrar',
    });
  const refusals: [string, RegExp][] = [
    ['1900-01-01', /before course .* starts/],
    ['2099-01-01', /after course .* ends/],
    [dayBefore(course.start_date!), /before course .* starts/],
    [dayAfter(today), /in the future/],
  ];
  // Only when the course runs past today does a future date within it exist.
  if (course.end_date! <= today) refusals.pop();
  const goLive = dayAfter(course.start_date!);
  await storeSchoolConfig(env.db, { ...env.config, posting: { ...env.config.posting, startDate: goLive } });
  try {
    refusals.push([course.start_date!, /before the school's posting start date/]);
    for (const [date, reason] of refusals) {
      const response = await makeup(date);
      assert.equal(response.statusCode, 400, `${date}: ${response.body}`);
      assert.equal(response.json().error.field, 'date');
      assert.match(response.json().error.message, /^date: /);
      assert.match(response.json().error.message, reason);
    }
  } finally {
    await storeSchoolConfig(env.db, env.config);
  }
  assert.equal(await stored('makeup_minutes'), before, 'nothing stored');
  assert.equal((await makeup(course.start_date!)).statusCode, 201, 'a day of the course already past');
});

test('a wrong makeup entry is corrected or removed through the API, and the SIS then holds the corrected value', async () => {
  const { start_date: date } = await env.db
    .selectFrom('courses')
    .select('start_date')
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', session.course)
    .executeTakeFirstOrThrow();
  const key = { courseId: session.course, studentId: session.student, date: date! };
  const enter = (minutes: number) =>
    call('POST', `${school()}/makeup-minutes`, keyA, { ...key, minutes, enteredBy: 'registrar' });
  const inSis = () =>
    env.simulator
      .getAttendance()
      .records.find(
        (r) =>
          r.scheduledCourseId === key.courseId &&
          r.studentId === key.studentId &&
          r.date === key.date &&
          r.type === 'Makeup',
      );
  const remove = () =>
    call('DELETE', `${school()}/makeup-minutes?${new URLSearchParams(key).toString()}`, keyA);

  assert.equal((await enter(300)).statusCode, 201);
  await runSync(env);
  assert.equal(inSis()?.attendedMinutes, 300);

  assert.equal((await enter(45)).statusCode, 201, 'the same day again replaces the minutes');
  await runSync(env);
  assert.equal(inSis()?.attendedMinutes, 45, 'the SIS holds the corrected value');

  const removed = await remove();
  assert.equal(removed.statusCode, 200, removed.body);
  assert.equal(removed.json().removedMinutes, 45);
  assert.equal((await remove()).statusCode, 404, 'nothing left to remove');
  await runSync(env);
  assert.deepEqual(
    { attended: inSis()?.attendedMinutes, absent: inSis()?.absentMinutes },
    { attended: 0, absent: 0 },
    'the SIS record of a removed entry holds no minutes',
  );
  const ledger = await env.db
    .selectFrom('attendance_ledger')
    .select(['attended_minutes', 'status'])
    .where('school_id', '=', env.config.schoolId)
    .where('course_sis_key', '=', key.courseId)
    .where('student_sis_id', '=', key.studentId)
    .where('attendance_date', '=', key.date)
    .where('type', '=', 'Makeup')
    .executeTakeFirstOrThrow();
  assert.deepEqual(ledger, { attended_minutes: 0, status: 'accepted' });
  const callsBefore = env.simulator.getCalls().length;
  await runSync(env);
  assert.ok(
    env.simulator
      .getCalls()
      .slice(callsBefore)
      .every((c) => !c.records.some((r) => r.type === 'Makeup' && r.studentId === key.studentId)),
    'and it is not sent again',
  );
});
