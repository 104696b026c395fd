/**
 * The dashboard in a real browser (Debian's chromium through playwright-core): a demo admin signs
 * in, reads the overview, follows the run history to the run's workflow and looks up a course.
 * Screenshots go to test-artifacts/dashboard/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { ensureDemoAdmin } from '../../src/main/demo-admin';
import { projectRoot } from '../../src/infra/paths';
import { workflowUrl } from '../../src/temporal/connection';
import { dashboardServer, TEST_TEMPORAL_UI } from '../support/dashboard';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { countRows } from '../support/roster-queries';

const artifacts = path.join(projectRoot, 'test-artifacts', 'dashboard');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let env: TestEnvironment;
let app: FastifyInstance;
let baseUrl: string;
let browser: Browser;
let page: Page;

before(async () => {
  mkdirSync(artifacts, { recursive: true });
  env = await startTestEnvironment();
  await runSync(env);
  app = await dashboardServer(env);
  baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

after(async () => {
  await browser?.close();
  await app?.close();
  await env?.close();
});

const shot = (name: string) => page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
const number = async (selector: string) =>
  Number((await page.locator(selector).innerText()).replaceAll(',', ''));

test('a demo admin signs in and sees the overview with the database counts', async () => {
  const schoolId = env.config.schoolId;
  const login = await ensureDemoAdmin(env.db, schoolId);

  await page.goto(`${baseUrl}/dashboard`);
  assert.match(page.url(), /\/dashboard\/sign-in/, 'signed out: sent to sign-in');
  await shot('01-sign-in');
  await page.fill('#email', login.email);
  await page.fill('#password', login.password);
  await page.click('form button.primary');
  await page.waitForURL(`**/dashboard/schools/${schoolId}`);
  await shot('02-overview');

  const rows = await countRows(env.db, schoolId);
  assert.equal(await number('[data-records-total="courses"]'), rows.courses);
  assert.equal(await number('[data-records-total="users"]'), rows.users);
  assert.equal(await number('[data-records-total="course_members"]'), rows.courseMembers);
  assert.equal(await number('[data-records-active="course_members"]'), rows.activeCourseMembers);
  assert.equal(await number('[data-records-total="class_sessions"]'), rows.classSessions);
  // The first run created every record it holds.
  assert.equal(await number('[data-latest-run="courses.created"]'), rows.courses);
  const openIssues = await env.db
    .selectFrom('sync_issues')
    .select(({ fn }) => fn.countAll<string>().as('n'))
    .where('school_id', '=', schoolId)
    .where('resolved_at', 'is', null)
    .executeTakeFirstOrThrow();
  assert.equal(await number('[data-open-issues]'), Number(openIssues.n));
  assert.ok(Number(openIssues.n) > 0, 'the small dataset has students without email');
  // Data out: the latest posting run's rows in the attendance ledger.
  const posting = await env.db
    .selectFrom('attendance_ledger')
    .select(['sync_run_id', ({ fn }) => fn.countAll<string>().as('sent')])
    .where('school_id', '=', schoolId)
    .groupBy('sync_run_id')
    .orderBy(({ fn }) => fn.max('posted_at'), 'desc')
    .executeTakeFirst();
  if (posting) assert.equal(await number('[data-out-sent]'), Number(posting.sent));
  else assert.match(await page.locator('[data-out]').innerText(), /No attendance posted yet/);
  assert.match(await page.locator('main').innerText(), /Paused/, 'the test schedule is created paused');
});

test('the run history links each run to its workflow in the Temporal Web UI', async () => {
  await page.click('nav.tabs >> text=Run history');
  await page.waitForURL('**/runs');
  await shot('03-run-history');
  const run = await env.db
    .selectFrom('sync_runs')
    .select(['id', 'workflow_id'])
    .where('school_id', '=', env.config.schoolId)
    .executeTakeFirstOrThrow();
  const link = page.locator(`tr[data-run="${run.id}"] a[data-workflow-link]`);
  assert.equal(await link.getAttribute('href'), workflowUrl(run.workflow_id, TEST_TEMPORAL_UI));
  assert.equal(await link.innerText(), run.workflow_id);
  assert.equal(await page.locator('svg.chart a').count(), 1, 'one run drawn in the chart');
});

test('a course search finds the course and shows its members', async () => {
  const course = await env.db
    .selectFrom('courses')
    .select(['sis_key', 'section_code'])
    .where('school_id', '=', env.config.schoolId)
    .orderBy('section_code')
    .executeTakeFirstOrThrow();
  await page.click('nav.tabs >> text=Course lookup');
  await page.fill('#q', course.section_code);
  await page.click('form.filters button.primary');
  await page.waitForSelector(`tr[data-course="${course.sis_key}"]`);
  await shot('04-course-search');
  await page.click(`tr[data-course="${course.sis_key}"] a`);
  await page.waitForSelector('[data-member]');
  await shot('05-course-members');

  const members = await env.db
    .selectFrom('course_members')
    .select('user_sis_key')
    .where('school_id', '=', env.config.schoolId)
    .where('course_sis_key', '=', course.sis_key)
    .execute();
  assert.ok(members.length > 0);
  const shown = await page
    .locator('[data-member]')
    .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-member')));
  assert.deepEqual(shown.sort(), members.map((m) => m.user_sis_key).sort());
});
