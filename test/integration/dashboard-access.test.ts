/**
 * Who may see what: an admin of school A is refused school B (pages and JSON), signed-out users
 * are sent to sign-in, a wrong password is refused and repeated failures are slowed down, forms
 * need their CSRF token, and pages carry security headers.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/accounts/api-keys';
import { createAdmin } from '../../src/accounts/admin-accounts';
import { THROTTLE } from '../../src/accounts/sign-in-throttle';
import { dashboardServer, postSignIn, signedInCookies } from '../support/dashboard';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';

let env: TestEnvironment;
let app: FastifyInstance;
const OTHER_SCHOOL = 'other-campus';
const PASSWORD = 'correct horse battery staple';
const adminA = 'a.admin@school-a.example';
const adminB = 'b.admin@school-b.example';
const staff = 'staff@coursekey.example';

before(async () => {
  env = await startTestEnvironment();
  await runSync(env);
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
  await createAdmin(env.db, { email: staff, password: PASSWORD, schoolIds: [], isStaff: true });
  app = await dashboardServer(env);
});

after(async () => {
  await app?.close();
  await env?.close();
});

const schoolA = () => `/dashboard/schools/${env.config.schoolId}`;
const schoolB = `/dashboard/schools/${OTHER_SCHOOL}`;

test('signed-out users are sent to sign-in; JSON answers 401', async () => {
  for (const url of ['/dashboard', schoolA(), `${schoolA()}/runs`, `${schoolA()}/courses?q=A`]) {
    const response = await app.inject({ method: 'GET', url });
    assert.equal(response.statusCode, 303, url);
    assert.equal(response.headers.location, `/dashboard/sign-in?next=${encodeURIComponent(url)}`);
  }
  const json = await app.inject({
    method: 'GET',
    url: `/dashboard/api/schools/${env.config.schoolId}/insights`,
  });
  assert.equal(json.statusCode, 401);
  const forged = await app.inject({ method: 'GET', url: '/dashboard/sign-in?next=//evil.example/x' });
  assert.doesNotMatch(forged.body, /evil/, 'sign-in never sends people to another site');
});

test("an admin of school A gets school A and 403 for school B's pages and JSON", async () => {
  const cookies = await signedInCookies(app, adminA, PASSWORD);
  const get = (url: string) => app.inject({ method: 'GET', url, cookies });

  const own = await get(schoolA());
  assert.equal(own.statusCode, 200);
  const courses = await env.db
    .selectFrom('courses')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('school_id', '=', env.config.schoolId)
    .executeTakeFirstOrThrow();
  assert.match(own.body, new RegExp(`data-records-total="courses">${courses.n}<`));

  for (const url of [
    schoolB,
    `${schoolB}/runs`,
    `${schoolB}/issues`,
    `${schoolB}/courses?q=A`,
    `${schoolB}/courses/1`,
  ])
    assert.equal((await get(url)).statusCode, 403, url);
  for (const path of ['insights', 'runs', 'issues', 'courses?q=A'])
    assert.equal((await get(`/dashboard/api/schools/${OTHER_SCHOOL}/${path}`)).statusCode, 403, path);

  const insights = await get(`/dashboard/api/schools/${env.config.schoolId}/insights`);
  assert.equal(insights.statusCode, 200);
  assert.equal(insights.json().records.courses.total, Number(courses.n));
  assert.equal((await get('/dashboard')).headers.location, schoolA(), 'one school: straight to it');
});

test("the school's systems read the same data as JSON with their API key, never another school's", async () => {
  const { key } = await createApiKey(env.db, env.config.schoolId, 'dashboard test');
  const headers = { authorization: `Bearer ${key}` };
  const base = `/api/v1/schools/${env.config.schoolId}`;

  const insights = await app.inject({ method: 'GET', url: `${base}/insights`, headers });
  assert.equal(insights.statusCode, 200);
  const members = await env.db
    .selectFrom('course_members')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('school_id', '=', env.config.schoolId)
    .executeTakeFirstOrThrow();
  assert.equal(insights.json().records.course_members.total, Number(members.n));
  const run = await env.db
    .selectFrom('sync_runs')
    .select('workflow_id')
    .where('school_id', '=', env.config.schoolId)
    .executeTakeFirstOrThrow();
  assert.equal(insights.json().runs[0].workflowId, run.workflow_id);

  for (const path of ['insights', 'runs', 'issues', 'courses?q=A', 'courses/1'])
    assert.equal(
      (await app.inject({ method: 'GET', url: `/api/v1/schools/${OTHER_SCHOOL}/${path}`, headers }))
        .statusCode,
      403,
      path,
    );
  assert.equal((await app.inject({ method: 'GET', url: `${base}/insights` })).statusCode, 401);
});

test('integration staff see every school', async () => {
  const cookies = await signedInCookies(app, staff, PASSWORD);
  const list = await app.inject({ method: 'GET', url: '/dashboard', cookies });
  assert.equal(list.statusCode, 200);
  assert.match(list.body, /Other Campus/);
  assert.match(list.body, /Demo Career College/);
  assert.equal((await app.inject({ method: 'GET', url: schoolB, cookies })).statusCode, 200);
});

test('a wrong password is refused, and repeated failures are slowed down', async () => {
  const wrong = await postSignIn(app, adminB, 'not the password at all');
  assert.equal(wrong.statusCode, 401);
  assert.equal(
    wrong.cookies.find((c) => c.name === 'ck_dashboard_session'),
    undefined,
  );
  for (let i = 1; i < THROTTLE.perAccountAndAddress; i++)
    assert.equal((await postSignIn(app, adminB, `guess ${i}`)).statusCode, 401);

  const blocked = await postSignIn(app, adminB, PASSWORD);
  assert.equal(blocked.statusCode, 429, 'even the right password waits once the limit is reached');
  assert.ok(Number(blocked.headers['retry-after']) > 0);
  assert.match(blocked.body, /Too many failed sign-ins/);
  const failures = await env.db
    .selectFrom('sign_in_failures')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('email', '=', adminB)
    .executeTakeFirstOrThrow();
  assert.equal(Number(failures.n), THROTTLE.perAccountAndAddress);

  // Another account is not held up by these failures.
  assert.equal((await postSignIn(app, adminA, PASSWORD)).statusCode, 303);
});

test('forms need their CSRF token; sign-out ends the session', async () => {
  const noToken = await app.inject({
    method: 'POST',
    url: '/dashboard/sign-in',
    payload: { email: adminA, password: PASSWORD },
  });
  assert.equal(noToken.statusCode, 403);

  const cookies = await signedInCookies(app, adminA, PASSWORD);
  const page = await app.inject({ method: 'GET', url: schoolA(), cookies });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
  const forged = await app.inject({
    method: 'POST',
    url: '/dashboard/sign-out',
    cookies,
    payload: { _csrf: 'x' },
  });
  assert.equal(forged.statusCode, 403);
  const crossSite = await app.inject({
    method: 'POST',
    url: '/dashboard/sign-out',
    cookies,
    headers: { origin: 'https://evil.example' },
    payload: { _csrf: csrf },
  });
  assert.equal(crossSite.statusCode, 403);

  const signOut = await app.inject({
    method: 'POST',
    url: '/dashboard/sign-out',
    cookies,
    payload: { _csrf: csrf },
  });
  assert.equal(signOut.statusCode, 303);
  assert.equal(
    (await app.inject({ method: 'GET', url: schoolA(), cookies })).statusCode,
    303,
    'session closed',
  );
});

test('pages carry security headers and an HttpOnly, SameSite session cookie', async () => {
  const signIn = await postSignIn(app, staff, PASSWORD);
  const session = signIn.cookies.find((c) => c.name === 'ck_dashboard_session')!;
  assert.equal(session.httpOnly, true);
  assert.equal(session.sameSite, 'Lax');
  const page = await app.inject({ method: 'GET', url: '/dashboard/sign-in' });
  assert.match(String(page.headers['content-security-policy']), /default-src 'none'/);
  assert.equal(page.headers['x-frame-options'], 'SAMEORIGIN');
  assert.equal(page.headers['x-content-type-options'], 'nosniff');
  assert.equal(page.headers['cache-control'], 'no-store');
  const stored = await env.db
    .selectFrom('admin_accounts')
    .select('password_hash')
    .where('email', '=', staff)
    .executeTakeFirstOrThrow();
  assert.match(stored.password_hash, /^scrypt\$/);
  assert.ok(!stored.password_hash.includes(PASSWORD));
});
