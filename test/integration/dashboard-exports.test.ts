/**
 * The dashboard for the people who use it, over HTTP: posting history per run and the CSV downloads
 * (content, RFC 4180 quoting, the formula guard, a download, per-school authorization), the student
 * lookup ("why can't this student see this course?" from the student's side), and issues linked
 * to their course's page.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAdmin } from '../../src/accounts/admin-accounts';
import { insertCheckIns } from '../../src/db/check-ins';
import { generateCheckIns } from '../../src/simulator/generate-check-ins';
import type { SyncResult } from '../../src/workflows/sync';
import { dashboardServer, signedInCookies } from '../support/dashboard';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { violationsDataset } from '../support/violations-dataset';

let env: TestEnvironment;
let app: FastifyInstance;
const OTHER_SCHOOL = 'other-campus';
const PASSWORD = 'correct horse battery staple';
const adminA = 'a.admin@school-a.example';
const adminB = 'b.admin@school-b.example';
let cookiesA: Record<string, string>;
const runs: SyncResult[] = [];
let droppedStudent: { sectionId: string; studentKey: string };

before(async () => {
  env = await startTestEnvironment({ dataset: violationsDataset().broken });
  const checkIns = generateCheckIns(env.simulator.getDataset(), env.config, { now: new Date(), seed: 3 });
  await insertCheckIns(env.db, env.config.schoolId, checkIns);
  runs.push(await runSync(env));

  // Second run: one student drops a section (below the safety threshold), and a makeup entry for a
  // student not in the section is rejected by the SIS.
  const dataset = env.simulator.getDataset();
  const [section, other] = dataset.sections.filter(
    (s) => s.status === 'Active' && s.startDate && s.endDate && s.startDate < s.endDate,
  );
  const enrolled = new Set((dataset.enrollments[section!.scheduledCourseId] ?? []).map((e) => e.studentId));
  const outsider = dataset.enrollments[other!.scheduledCourseId]!.find((e) => !enrolled.has(e.studentId))!;
  const leaver = dataset.enrollments[section!.scheduledCourseId]!.find((e) => e.status === 'Registered')!;
  env.simulator.mutate({
    op: 'setEnrollmentStatus',
    scheduledCourseId: section!.scheduledCourseId,
    studentId: leaver.studentId,
    status: 'Dropped',
  });
  droppedStudent = { sectionId: section!.scheduledCourseId, studentKey: `student:${leaver.studentId}` };
  await env.db
    .insertInto('makeup_minutes')
    .values({
      school_id: env.config.schoolId,
      course_sis_key: section!.scheduledCourseId,
      student_sis_id: outsider.studentId,
      makeup_date: section!.startDate!,
      minutes: 45,
      entered_by: 'admin-test',
    })
    .execute();
  runs.push(await runSync(env));

  await env.db
    .insertInto('schools')
    .values({
      id: OTHER_SCHOOL,
      name: 'Other Campus',
      campus_id: 'OTHER',
      time_zone: 'America/Chicago',
      environment: 'test',
      sis_base_url: 'http://127.0.0.1:1/api',
      config: JSON.stringify({}),
    })
    .execute();
  await createAdmin(env.db, {
    email: adminA,
    password: PASSWORD,
    schoolIds: [env.config.schoolId],
    isStaff: false,
  });
  await createAdmin(env.db, { email: adminB, password: PASSWORD, schoolIds: [OTHER_SCHOOL], isStaff: false });
  app = await dashboardServer(env);
  cookiesA = await signedInCookies(app, adminA, PASSWORD);
});

after(async () => {
  await app?.close();
  await env?.close();
});

const schoolA = (path = '') => `/dashboard/schools/${env.config.schoolId}${path}`;
const getA = (url: string) => app.inject({ method: 'GET', url, cookies: cookiesA });

/** RFC 4180, read independently of the code under test: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  assert.equal(field + row.join(''), '', 'every line ends in CRLF');
  return rows;
}

/** The CSV as objects keyed by its header, after checking it is a download. */
function csvRecords(
  response: { statusCode: number; headers: Record<string, unknown>; body: string },
  list: string,
) {
  assert.equal(response.statusCode, 200);
  assert.match(String(response.headers['content-type']), /^text\/csv; charset=utf-8/);
  assert.equal(
    response.headers['content-disposition'],
    `attachment; filename="${env.config.schoolId}-${list}.csv"`,
  );
  const [header, ...rows] = parseCsv(response.body);
  for (const row of rows) assert.equal(row.length, header!.length, 'every row has every column');
  return rows.map((row) => Object.fromEntries(header!.map((name, i) => [name, row[i]!])));
}

test('posting history lists each run with what it sent, the SIS accepted and rejected, and the LDAs; its CSV says the same', async () => {
  const [first, second] = runs;
  assert.ok(first!.posting.posted > 100, 'the first run posted attendance');
  assert.equal(second!.posting.rejected, 1, 'the second run had one rejection');
  const ids = await env.db
    .selectFrom('sync_runs')
    .select(['id', 'workflow_id'])
    .where('school_id', '=', env.config.schoolId)
    .orderBy('id')
    .execute();

  const page = await getA(schoolA('/posting'));
  assert.equal(page.statusCode, 200);
  for (const [i, run] of runs.entries()) {
    const row = new RegExp(
      `data-posting-run="${ids[i]!.id}"[\\s\\S]*?data-sent>${run.posting.posted.toLocaleString('en-US')}<` +
        `[\\s\\S]*?data-accepted>${run.posting.accepted.toLocaleString('en-US')}<` +
        `[\\s\\S]*?data-rejected>${run.posting.rejected}<[\\s\\S]*?data-lda>${run.posting.lastDatesPosted.toLocaleString('en-US')}<`,
    );
    assert.match(page.body, row, `run ${i + 1}`);
  }

  const csv = csvRecords(await getA(schoolA('/posting.csv')), 'posting');
  assert.deepEqual(
    csv.map((r) => ({ ...r, started_at: undefined, finished_at: undefined })),
    [...runs.entries()].reverse().map(([i, run]) => ({
      run_id: ids[i]!.id,
      workflow_id: ids[i]!.workflow_id,
      status: 'completed',
      started_at: undefined,
      finished_at: undefined,
      sent: String(run.posting.posted),
      accepted: String(run.posting.accepted),
      rejected: String(run.posting.rejected),
      lda_updates: String(run.posting.lastDatesPosted),
    })),
  );
});

test('the issues CSV holds the filtered issues with their sections, quoted and guarded against formulas', async () => {
  // An SIS value a spreadsheet would run, with a comma, quotes and a line break.
  const nasty = '=HYPERLINK("http://evil.example","click"), then\nmore';
  await env.db
    .insertInto('sync_issues')
    .values({
      school_id: env.config.schoolId,
      record_type: 'users',
      sis_key: 'student:csv-test',
      rule: 'csv-test',
      severity: 'info',
      message: nasty,
      details: JSON.stringify({}),
    })
    .execute();

  const all = csvRecords(await getA(schoolA('/issues.csv?state=all')), 'issues');
  const stored = await env.db
    .selectFrom('sync_issues')
    .select(['sis_key', 'rule'])
    .where('school_id', '=', env.config.schoolId)
    .execute();
  assert.deepEqual(
    all.map((r) => `${r.sis_key}|${r.rule}`).sort(),
    stored.map((r) => `${r.sis_key}|${r.rule}`).sort(),
  );
  const guarded = all.find((r) => r.rule === 'csv-test')!;
  assert.equal(guarded.message, `'${nasty}`, 'a leading = is neutralised, the rest kept exactly');
  assert.match(
    (await getA(schoolA('/issues.csv?state=all'))).body,
    /"'=HYPERLINK\(""http:\/\/evil\.example"",""click""\), then\nmore"/,
    'the field is quoted and its quotes doubled',
  );

  // The page's filter applies: blocking issues of courses, each with its section code.
  const courses = csvRecords(await getA(schoolA('/issues.csv?severity=blocking&type=courses')), 'issues');
  assert.ok(courses.length > 0, 'the broken sections have blocking issues');
  assert.ok(courses.every((r) => r.severity === 'blocking' && r.record_type === 'courses'));
  const sections = new Map(
    (
      await env.db
        .selectFrom('courses')
        .select(['sis_key', 'section_code'])
        .where('school_id', '=', env.config.schoolId)
        .execute()
    ).map((c) => [c.sis_key, c.section_code]),
  );
  for (const row of courses) assert.equal(row.section_code, sections.get(row.sis_key!) ?? '', row.sis_key);
  assert.ok(
    courses.some((r) => r.section_code !== ''),
    'issues of synced courses carry their section code',
  );
});

test('the users-without-email CSV lists exactly the active users without email, names guarded', async () => {
  await env.db
    .updateTable('users')
    .set({ first_name: '@SUM(A1:A9)', last_name: '-2+3' })
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', (eb) =>
      eb
        .selectFrom('users')
        .select('sis_key')
        .where('school_id', '=', env.config.schoolId)
        .where('email', 'is', null)
        .where('active', '=', true)
        .orderBy('sis_key')
        .limit(1),
    )
    .execute();
  const expected = await env.db
    .selectFrom('users')
    .select(['sis_key', 'first_name', 'last_name'])
    .where('school_id', '=', env.config.schoolId)
    .where('active', '=', true)
    .where('email', 'is', null)
    .execute();
  assert.ok(expected.length > 0, 'the dataset has users without email');

  const rows = csvRecords(await getA(schoolA('/users-without-email.csv')), 'users-without-email');
  assert.deepEqual(rows.map((r) => r.sis_key).sort(), expected.map((u) => u.sis_key).sort());
  const renamed = rows.find((r) => r.first_name === "'@SUM(A1:A9)");
  assert.ok(renamed, 'a name starting with @ is guarded');
  assert.equal(renamed.last_name, "'-2+3");
  assert.ok(
    rows.every((r) => /^\d+$/.test(r.active_courses!)),
    'counts are plain numbers',
  );
});

test("an admin of another school, or nobody signed in, cannot download a school's CSVs", async () => {
  const cookiesB = await signedInCookies(app, adminB, PASSWORD);
  for (const list of ['issues', 'users-without-email', 'posting']) {
    const url = schoolA(`/${list}.csv`);
    const other = await app.inject({ method: 'GET', url, cookies: cookiesB });
    assert.equal(other.statusCode, 403, `${list}: another school's admin`);
    assert.match(String(other.headers['content-type']), /^text\/html/, 'a refusal page, no CSV');
    assert.equal(other.headers['content-disposition'], undefined);
    const anonymous = await app.inject({ method: 'GET', url });
    assert.equal(anonymous.statusCode, 303, `${list}: signed out`);
    // B's own (empty) lists are B's to download.
    const own = await app.inject({
      method: 'GET',
      url: `/dashboard/schools/${OTHER_SCHOOL}/${list}.csv`,
      cookies: cookiesB,
    });
    assert.equal(own.statusCode, 200, `${list}: own school`);
    assert.equal(parseCsv(own.body).length, 1, 'a header and no rows');
  }
  for (const url of [schoolA('/students?q=a'), schoolA('/posting')])
    assert.equal((await app.inject({ method: 'GET', url, cookies: cookiesB })).statusCode, 403, url);
});

test('the student lookup finds a student by SIS id, email or name and shows each course with its state and why', async () => {
  const student = await env.db
    .selectFrom('users')
    .selectAll()
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', droppedStudent.studentKey)
    .executeTakeFirstOrThrow();

  for (const q of [
    student.sis_id,
    `${student.first_name} ${student.last_name}`,
    student.email ?? student.sis_id,
  ]) {
    const search = await getA(schoolA(`/students?q=${encodeURIComponent(q)}`));
    assert.equal(search.statusCode, 200);
    assert.match(search.body, new RegExp(`data-user="${student.sis_key}"`), q);
  }

  const details = await getA(schoolA(`/students/${encodeURIComponent(student.sis_key)}`));
  assert.equal(details.statusCode, 200);
  const memberships = await env.db
    .selectFrom('course_members')
    .select(['course_sis_key', 'active'])
    .where('school_id', '=', env.config.schoolId)
    .where('user_sis_key', '=', student.sis_key)
    .execute();
  const shown = [...details.body.matchAll(/data-membership="([^"]+)" data-state="([^"]+)"/g)].map(
    ([, course, state]) => ({ course, state }),
  );
  assert.deepEqual(shown.map((s) => s.course).sort(), memberships.map((m) => m.course_sis_key).sort());
  assert.equal(shown.find((s) => s.course === droppedStudent.sectionId)?.state, 'dropped');
  assert.match(details.body, /The SIS lists the enrollment as Dropped/);
  for (const m of memberships.filter((m) => m.active))
    assert.notEqual(shown.find((s) => s.course === m.course_sis_key)?.state, 'dropped');
  assert.match(details.body, /data-sign-in-ok|data-sign-in-problem/);

  // A student without email: the page says they cannot sign in.
  const noEmail = await env.db
    .selectFrom('users')
    .select('sis_key')
    .where('school_id', '=', env.config.schoolId)
    .where('sis_kind', '=', 'student')
    .where('active', '=', true)
    .where('email', 'is', null)
    .executeTakeFirstOrThrow();
  const withoutEmail = await getA(schoolA(`/students/${encodeURIComponent(noEmail.sis_key)}`));
  assert.match(withoutEmail.body, /data-sign-in-problem>No email address in Campus Cloud/);
  assert.match(withoutEmail.body, /data-user-issue="user-without-email"/);

  // From the course's side, the member links to the student's side.
  const coursePage = await getA(schoolA(`/courses/${encodeURIComponent(droppedStudent.sectionId)}`));
  assert.ok(
    coursePage.body.includes(`href="${schoolA(`/students/${encodeURIComponent(student.sis_key)}`)}"`),
  );

  assert.equal((await getA(schoolA('/students/student%3Anobody'))).statusCode, 404);
  assert.match((await getA(schoolA('/students?q=zz-no-such-student'))).body, /No user in CourseKey matches/);
});

test("issues show their section code and link to the course's page", async () => {
  const page = await getA(schoolA('/issues?state=all'));
  assert.equal(page.statusCode, 200);
  const links = [...page.body.matchAll(/<a\s+href="([^"]+)"\s+data-issue-course="([^"]+)"\s*>([^<]+)</g)].map(
    ([, href, course, text]) => ({
      href: href!.replaceAll('&amp;', '&'),
      course: course!,
      text: text!.trim(),
    }),
  );
  assert.ok(links.length > 0, 'course issues are linked');
  const codes = new Map(
    (
      await env.db
        .selectFrom('courses')
        .select(['sis_key', 'section_code'])
        .where('school_id', '=', env.config.schoolId)
        .execute()
    ).map((c) => [c.sis_key, c.section_code]),
  );
  for (const link of links) {
    assert.equal(link.text, codes.get(link.course));
    assert.equal(link.href, schoolA(`/courses/${encodeURIComponent(link.course)}`));
  }
  const followed = await getA(links[0]!.href);
  assert.equal(followed.statusCode, 200);
  assert.match(followed.body, new RegExp(`<h1>${codes.get(links[0]!.course)} ·`));
  // Every open course issue whose course is in CourseKey is linked.
  const courseIssues = await env.db
    .selectFrom('sync_issues')
    .select('sis_key')
    .where('school_id', '=', env.config.schoolId)
    .where('record_type', '=', 'courses')
    .execute();
  const linkable = courseIssues.filter((i) => codes.has(i.sis_key));
  assert.ok(linkable.length > 0);
  for (const issue of linkable)
    assert.ok(
      links.some((l) => l.course === issue.sis_key),
      issue.sis_key,
    );
});
