import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttendanceRecord, Section } from '../../src/campus-cloud/schemas';
import { generateDataset } from '../../src/simulator/generate';
import { createSimulator, type Simulator } from '../../src/simulator/server';

const ANCHOR = '2025-03-10';
const dataset = generateDataset({ preset: 'small', seed: 11, anchorDate: ANCHOR });
let sim: Simulator;
let token: string;

before(async () => {
  sim = await createSimulator({ dataset, port: 0 });
  token = await authenticate();
});
after(() => sim.close());

async function authenticate(password = 'demo-password'): Promise<string> {
  const response = await fetch(`${sim.url}/Authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'coursekey-sync', password }),
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { token: string }).token;
}

function get(endpoint: string, query: Record<string, string | number> = {}, bearer: string | null = token) {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return fetch(`${sim.url}/${endpoint}?${params}`, {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
}

async function getJson<T>(endpoint: string, query: Record<string, string | number> = {}): Promise<T> {
  const response = await get(endpoint, query);
  assert.equal(response.status, 200, `${endpoint}: ${await response.clone().text()}`);
  return (await response.json()) as T;
}

async function admin(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sim.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function postAttendance(records: AttendanceRecord[]) {
  return fetch(`${sim.url}/PostAttendance`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ records, lastDatesAttended: [] }),
  });
}

type Page<T> = { data: T[]; page: number; pageSize: number; totalCount: number };

test('wrong credentials are refused with 401 and an error body', async () => {
  const response = await fetch(`${sim.url}/Authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'coursekey-sync', password: 'nope' }),
  });
  assert.equal(response.status, 401);
  assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'InvalidCredentials');
});

test('a request without a valid bearer token gets 401', async () => {
  assert.equal((await get('GetStudents', { campusId: 'MAIN' }, null)).status, 401);
  assert.equal((await get('GetStudents', { campusId: 'MAIN' }, 'made-up')).status, 401);
});

test('paging through GetStudents returns every listed student once', async () => {
  const seen = new Set<string>();
  let totalCount = 0;
  for (let page = 1; ; page++) {
    const body = await getJson<Page<{ studentId: string }>>('GetStudents', {
      campusId: 'MAIN',
      page,
      pageSize: 37,
    });
    totalCount = body.totalCount;
    for (const student of body.data) seen.add(student.studentId);
    if (body.data.length < 37) break;
  }
  assert.equal(totalCount, dataset.students.length);
  assert.equal(seen.size, totalCount);
  assert.equal((await get('GetStudents', { campusId: 'MAIN', pageSize: 1001 })).status, 400);
});

test('unknown ids get 404, missing parameters 400, hidden records are served by id only', async () => {
  assert.equal((await get('GetScheduledCourse', { scheduledCourseId: 'nope' })).status, 404);
  assert.equal((await get('GetEnrollment', {})).status, 400);
  const [hiddenUser] = dataset.hiddenUsers;
  assert.ok(hiddenUser);
  const users = await getJson<Page<{ userId: string }>>('GetUsers', { campusId: 'MAIN', pageSize: 1000 });
  assert.ok(!users.data.some((u) => u.userId === hiddenUser.userId));
  assert.equal(
    (await getJson<{ userId: string }>('GetUser', { userId: hiddenUser.userId })).userId,
    hiddenUser.userId,
  );
});

test('GetTerm returns one term by id, or the terms overlapping from/to', async () => {
  const overlapping = await getJson<Page<{ termId: string }>>('GetTerm', {
    campusId: 'MAIN',
    from: ANCHOR,
    to: ANCHOR,
  });
  assert.equal(overlapping.totalCount, 2); // the current term and the clinical year
  const [first] = overlapping.data;
  assert.equal(
    (await getJson<{ termId: string }>('GetTerm', { termId: first!.termId })).termId,
    first!.termId,
  );
});

test('deniedEndpoints answers 403 for exactly those endpoints', async () => {
  await admin('PUT', '/faults', { deniedEndpoints: ['GetInstructors'] });
  try {
    assert.equal((await get('GetInstructors', { campusId: 'MAIN' })).status, 403);
    assert.equal((await get('GetUsers', { campusId: 'MAIN' })).status, 200);
  } finally {
    await admin('PUT', '/faults', {});
  }
});

test('PostAttendance accepts, rejects with a reason, and replaces by key', async () => {
  const section = dataset.sections.find((s) => s.status === 'Active' && s.startDate! <= ANCHOR)!;
  const enrolled = dataset.enrollments[section.scheduledCourseId]!.filter((e) => e.status === 'Registered');
  const dropped = dataset.enrollments[section.scheduledCourseId]!.find((e) => e.status !== 'Registered');
  const enrolledUntilDrop = dropped?.statusDate && dropped.statusDate >= section.startDate!;
  const record = (externalId: string, extra: Partial<AttendanceRecord> = {}): AttendanceRecord => ({
    externalId,
    scheduledCourseId: section.scheduledCourseId,
    studentId: enrolled[0]!.studentId,
    date: section.startDate!,
    attendedMinutes: 50,
    absentMinutes: 10,
    type: 'Regular',
    ...extra,
  });
  const outsider = dataset.students.find(
    (s) => !dataset.enrollments[section.scheduledCourseId]!.some((e) => e.studentId === s.studentId),
  )!;
  const batch = [
    record('ok-1'),
    record('outsider', { studentId: outsider.studentId }),
    record('too-early', { date: '2000-01-01' }),
    record('too-many-minutes', { attendedMinutes: 1000, absentMinutes: 500 }),
    record('negative', { attendedMinutes: -5 }),
    // A dropped or withdrawn student was enrolled up to the status date, not after it.
    ...(dropped ? [record('dropped', { studentId: dropped.studentId, date: section.endDate! })] : []),
    ...(enrolledUntilDrop
      ? [record('before-drop', { studentId: dropped!.studentId, date: dropped!.statusDate! })]
      : []),
  ];
  const first = (await (await postAttendance(batch)).json()) as {
    results: Array<{ externalId: string; status: string; attendanceId?: string; message?: string }>;
  };
  const byId = new Map(first.results.map((r) => [r.externalId, r]));
  assert.equal(byId.get('ok-1')?.status, 'Accepted');
  if (enrolledUntilDrop) assert.equal(byId.get('before-drop')?.status, 'Accepted');
  for (const rejected of [
    'outsider',
    'too-early',
    'too-many-minutes',
    'negative',
    ...(dropped ? ['dropped'] : []),
  ]) {
    assert.equal(byId.get(rejected)?.status, 'Rejected', rejected);
    assert.ok(byId.get(rejected)?.message, `${rejected} has a message`);
  }

  const again = (await (
    await postAttendance([record('ok-2', { attendedMinutes: 60, absentMinutes: 0 })])
  ).json()) as {
    results: Array<{ attendanceId?: string }>;
  };
  assert.equal(again.results[0]?.attendanceId, byId.get('ok-1')?.attendanceId);
  const stored = sim.getAttendance().records.filter((r) => r.attendanceId === byId.get('ok-1')?.attendanceId);
  assert.deepEqual(
    stored.map((r) => [r.attendedMinutes, r.absentMinutes]),
    [[60, 0]],
  );
  const calls = (await admin('GET', '/calls')).body.calls as unknown[];
  assert.equal(calls.length, 2);

  const tooMany = Array.from({ length: 501 }, (_, i) => record(`bulk-${i}`));
  assert.equal((await postAttendance(tooMany)).status, 400);
});

test('a mutation is visible through the API and stamps modifiedAt', async () => {
  const section: Section = dataset.sections.find((s) => s.status === 'Active' && s.startDate! <= ANCHOR)!;
  const [enrollment] = dataset.enrollments[section.scheduledCourseId]!.filter(
    (e) => e.status === 'Registered',
  );
  const before = new Date().toISOString();
  const result = await admin('POST', '/mutations', {
    op: 'setEnrollmentStatus',
    scheduledCourseId: section.scheduledCourseId,
    studentId: enrollment!.studentId,
    status: 'Dropped',
  });
  assert.equal(result.status, 200);
  const page = await getJson<Page<{ studentId: string; status: string; modifiedAt: string }>>(
    'GetEnrollment',
    {
      scheduledCourseId: section.scheduledCourseId,
      pageSize: 1000,
    },
  );
  const changed = page.data.find((e) => e.studentId === enrollment!.studentId)!;
  assert.equal(changed.status, 'Dropped');
  assert.ok(changed.modifiedAt >= before);

  await admin('POST', '/mutations', {
    op: 'setStudentEmail',
    studentId: dataset.students[0]!.studentId,
    email: null,
  });
  const recent = await getJson<Page<{ studentId: string; email: string | null }>>('GetStudents', {
    campusId: 'MAIN',
    modifiedSince: before,
  });
  assert.deepEqual(recent.data, [
    { ...recent.data[0], studentId: dataset.students[0]!.studentId, email: null },
  ]);
  assert.equal(
    (await admin('POST', '/mutations', { op: 'cancelSection', scheduledCourseId: 'nope' })).status,
    404,
  );
});

test('fault injection: 429 with Retry-After, and 503s at about the configured rate', async () => {
  await admin('PUT', '/faults', { rateLimitRate: 1, retryAfterSeconds: 7 });
  const limited = await get('GetCourse', { courseId: dataset.courses[0]!.courseId });
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get('retry-after'), '7');

  await admin('PUT', '/faults', { errorRate: 0.3, seed: 5 });
  let unavailable = 0;
  const requests = 200;
  for (let i = 0; i < requests; i++) {
    if ((await get('GetCourse', { courseId: dataset.courses[0]!.courseId })).status === 503) unavailable++;
  }
  assert.ok(
    unavailable > requests * 0.2 && unavailable < requests * 0.4,
    `${unavailable} of ${requests} were 503`,
  );

  await admin('PUT', '/faults', { malformedRate: 1 });
  const section = dataset.sections[0]!;
  const schedule = await getJson<{ data: Array<{ dayOfWeek: number }> }>('GetSchedule', {
    scheduledCourseId: section.scheduledCourseId,
  });
  assert.ok(schedule.data.some((e) => e.dayOfWeek === 9));

  await admin('PUT', '/faults', { timeoutRate: 1, timeoutMs: 2000 });
  await assert.rejects(
    fetch(`${sim.url}/GetCourse?courseId=${dataset.courses[0]!.courseId}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(100),
    }),
  );
  await admin('PUT', '/faults', {});
  assert.equal((await authenticate()).length > 0, true);
});

test('stats count requests per endpoint and reset', async () => {
  await admin('POST', '/stats/reset');
  await get('GetSessions', { termId: dataset.terms[0]!.termId });
  const stats = (await admin('GET', '/stats')).body as { total: number; byEndpoint: Record<string, number> };
  assert.deepEqual(stats.byEndpoint, { GetSessions: 1 });
  assert.equal(stats.total, 1);
});

test('a shifted listing serves later pages as if records were inserted, or removed, after page 1', async () => {
  const students = dataset.students.map((s) => s.studentId);
  const page = async (n: number) => {
    const body = await getJson<Page<{ studentId: string }>>('GetStudents', {
      campusId: dataset.campusId,
      page: n,
      pageSize: 10,
    });
    return { ids: body.data.map((s) => s.studentId), totalCount: body.totalCount };
  };
  await admin('PUT', '/faults', { shiftedListings: ['GetStudents'] });
  assert.deepEqual(await page(1), { ids: students.slice(0, 10), totalCount: students.length });
  // One record more at the front: page 2 repeats the last of page 1.
  assert.deepEqual(await page(2), { ids: students.slice(9, 19), totalCount: students.length + 1 });
  await admin('PUT', '/faults', { shiftedListings: ['GetStudents'], listingShift: -2 });
  // Two records fewer at the front: page 2 skips two.
  assert.deepEqual(await page(2), { ids: students.slice(12, 22), totalCount: students.length - 2 });
  const users = await getJson<Page<unknown>>('GetUsers', {
    campusId: dataset.campusId,
    page: 2,
    pageSize: 10,
  });
  assert.equal(users.totalCount, dataset.users.length, 'other listings are not shifted');
  await admin('PUT', '/faults', {});
  assert.deepEqual(await page(2), { ids: students.slice(10, 20), totalCount: students.length });
});
