/**
 * The dashboard in a real browser (Debian's chromium through playwright-core): a demo admin signs
 * in, reads the overview, follows the run history to the run's workflow and looks up a course;
 * a run holding deactivations shows its banner; the header fits a phone.
 * Screenshots go to test-artifacts/dashboard/.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { ensureDemoAdmin } from '../../src/main/demo-admin';
import { projectRoot } from '../../src/infra/paths';
import { workflowUrl } from '../../src/temporal/connection';
import { SyncWorkflow } from '../../src/workflows/sync';
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

/** Drops 30% of the Registered enrollments in the SIS: above the 10% threshold, so a run holds them. */
function dropManyEnrollments() {
  const dataset = env.simulator.getDataset();
  const registered = Object.entries(dataset.enrollments).flatMap(([sectionId, list]) =>
    list.filter((e) => e.status === 'Registered').map((e) => ({ sectionId, studentId: e.studentId })),
  );
  for (const [index, { sectionId, studentId }] of registered.entries())
    if (index % 100 < 30)
      env.simulator.mutate({
        op: 'setEnrollmentStatus',
        scheduledCourseId: sectionId,
        studentId,
        status: 'Dropped',
      });
}

test('while a run holds deactivations, every school page shows what, how many and until when', async () => {
  const schoolId = env.config.schoolId;
  dropManyEnrollments();
  const handle = await env.client.workflow.start(SyncWorkflow, {
    taskQueue: env.taskQueue,
    workflowId: `sync:${schoolId}-held-${Date.now()}`,
    args: [{ schoolId }],
  });
  try {
    const query = () =>
      env.db
        .selectFrom('sync_runs')
        .select(['id', 'held_deactivations', 'held_until'])
        .where('workflow_id', '=', handle.workflowId)
        .where('held_deactivations', 'is not', null)
        .executeTakeFirst();
    let held = await query();
    for (let i = 0; !held && i < 240; i++) {
      await sleep(250);
      held = await query();
    }
    assert.ok(held?.held_deactivations, 'the run holds deactivations');
    const count = held.held_deactivations.course_members!;
    assert.ok(count > 0);
    // The default approval wait (45 minutes) from when the run held them.
    const waitMinutes = (held.held_until!.getTime() - Date.now()) / 60_000;
    assert.ok(waitMinutes > 40 && waitMinutes <= 45, `held for ${waitMinutes} more minutes`);

    for (const path of ['', '/issues', '/students']) {
      await page.goto(`${baseUrl}/dashboard/schools/${schoolId}${path}`);
      const banner = page.locator('[data-approval-banner]');
      const text = await banner.innerText();
      assert.match(text, /Deactivations wait for approval/, path);
      assert.equal(
        (await banner.locator('[data-held="course_members"]').innerText()).trim(),
        `Course members: ${count.toLocaleString('en-US')}`,
        path,
      );
      assert.equal(await banner.locator('[data-held]').count(), 1, 'only the type held');
      assert.match(text, /Approve by \w{3} \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M/, 'until when');
      assert.match(text, new RegExp(`npm run cli -- approve --school ${schoolId}`), 'how to approve');
    }
    await shot('06-approval-banner');
  } finally {
    await handle.cancel();
    await handle.result().catch(() => undefined);
  }
  await page.goto(`${baseUrl}/dashboard/schools/${schoolId}`);
  assert.equal(await page.locator('[data-approval-banner]').count(), 0, 'gone once the run ended');
});

test('on a 375 px wide phone the header, the tabs and the pages fit the screen', async () => {
  const schoolId = env.config.schoolId;
  const course = await env.db
    .selectFrom('courses')
    .select('sis_key')
    .where('school_id', '=', schoolId)
    .orderBy('section_code')
    .executeTakeFirstOrThrow();
  await page.setViewportSize({ width: 375, height: 800 });
  const paths = ['', '/runs', '/posting', '/issues?state=all', '/students?q=a', `/courses/${course.sis_key}`];
  for (const path of paths) {
    await page.goto(`${baseUrl}/dashboard/schools/${schoolId}${path}`);
    const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
    assert.ok(width <= 375, `${path || 'overview'}: the page is ${width} px wide`);
    // Every tab is on screen (the tabs wrap rather than run off the side).
    const tabs = await page
      .locator('nav.tabs a')
      .evaluateAll((links) => links.map((a) => a.getBoundingClientRect().right));
    assert.equal(tabs.length, 6);
    assert.ok(Math.max(...tabs) <= 375, `${path || 'overview'}: tabs end at ${Math.max(...tabs)} px`);
  }
  await page.goto(`${baseUrl}/dashboard/schools/${schoolId}`);
  await shot('07-phone-overview');
  await page.setViewportSize({ width: 1280, height: 900 });
});
