/**
 * Counts that add up: every record a run fetches is created, updated, unchanged, failed or skipped
 * with its reason, for every record type; the stored counts, `status`, the dashboard and the
 * dry-run report all say how many were skipped and why.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { createAdmin } from '../../src/accounts/admin-accounts';
import type { DryRunReport } from '../../src/client/dry-run-report';
import { recordTypes } from '../../src/coursekey/record-types';
import { campusToday } from '../../src/coursekey/sync-window';
import { runCommand } from '../support/cli-process';
import { dashboardServer, signedInCookies } from '../support/dashboard';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { expectedSessionCount } from '../support/expected-roster';
import { assertCountsAddUp } from '../support/run-counts';
import { expectedSkips, skippedDataset } from '../support/skipped-dataset';

let env: TestEnvironment;
let app: FastifyInstance;
let template: ReturnType<typeof skippedDataset>['template'];
let expected: ReturnType<typeof expectedSkips>;
const STAFF = 'staff@coursekey.example';
const PASSWORD = 'correct horse battery staple';

before(async () => {
  const today = new Date().toISOString().slice(0, 10);
  const built = skippedDataset(today);
  template = built.template;
  env = await startTestEnvironment({ dataset: built.dataset });
  expected = expectedSkips(built.dataset, campusToday(env.config));
  await createAdmin(env.db, { email: STAFF, password: PASSWORD, schoolIds: [], isStaff: true });
  app = await dashboardServer(env);
});
after(async () => {
  await app?.close();
  await env?.close();
});

test("a run's stored counts add up for every record type and say why records were skipped", async () => {
  // Exactly one of each added, beside the dataset's own cancelled sections.
  assert.deepEqual(
    { ...expected.courses, cancelled: 1 },
    {
      cancelled: 1,
      'outside-sync-window': 1,
      'other-campus': 1,
      'unmapped-delivery-method': 1,
      'catalog-course-missing': 1,
    },
  );
  assert.ok(expected.courses.cancelled >= 2, 'the dataset has cancelled sections of its own');

  const summary = await runSync(env);
  assert.equal(summary.status, 'completed');
  assertCountsAddUp(summary.counts, 'first run');
  assert.deepEqual(summary.counts.courses.skippedBy, expected.courses);
  assert.deepEqual(summary.counts.users.skippedBy, expected.users);
  assert.deepEqual(summary.counts.users.skippedBy, { 'not-found': 1 });
  assert.deepEqual(summary.counts.course_members.skippedBy, expected.course_members);
  assert.deepEqual(summary.counts.course_members.skippedBy, {
    'student-not-found': 1,
    'instructor-not-found': 1,
    'superseded-enrollment': 1,
  });
  assert.deepEqual(summary.counts.class_sessions.skippedBy, {});
  assert.equal(summary.counts.class_sessions.skipped, 0);
  for (const type of recordTypes) assert.equal(summary.counts[type].failed, 0, `${type}: nothing failed`);
});

test('a schedule change not applied and a cancelled section keep the counts adding up', async () => {
  const dataset = env.simulator.getDataset();
  const cancelled = await env.db
    .selectFrom('courses')
    .select('sis_key')
    .where('school_id', '=', env.config.schoolId)
    .where('active', '=', true)
    .where('sis_key', '!=', template.scheduledCourseId)
    .orderBy('sis_key')
    .executeTakeFirstOrThrow();
  const moved = dataset.schedules[template.scheduledCourseId]!.map((e) => ({
    ...e,
    startTime: '06:00',
    endTime: `${String(6 + Math.floor(e.minutes / 60)).padStart(2, '0')}:${String(e.minutes % 60).padStart(2, '0')}`,
  }));
  env.simulator.mutate({ op: 'setSchedule', scheduledCourseId: template.scheduledCourseId, schedule: moved });
  env.simulator.mutate({ op: 'cancelSection', scheduledCourseId: cancelled.sis_key });

  const summary = await runSync(env);
  assert.equal(summary.status, 'completed');
  assertCountsAddUp(summary.counts, 'second run');
  const sessions = expectedSessionCount(dataset, template.scheduledCourseId);
  assert.deepEqual(summary.counts.class_sessions.skippedBy, { 'drift-not-applied': sessions });
  assert.equal(summary.counts.class_sessions.created + summary.counts.class_sessions.updated, 0);
  // A listed section the SIS cancelled is an update of it, and the run's one deactivation.
  assert.equal(summary.counts.courses.updated, 1);
  assert.equal(summary.counts.courses.deactivated, 1);
  assert.deepEqual(summary.counts.courses.skippedBy, expected.courses, 'never created: still skipped');

  // What the run stored is what it returned.
  const stored = await env.db
    .selectFrom('sync_run_counts')
    .select(['record_type', 'skipped', 'skipped_by'])
    .where('sync_run_id', '=', summary.syncRunId)
    .where('record_type', '=', 'class_sessions')
    .execute();
  assert.equal(
    stored.reduce((sum, row) => sum + row.skipped, 0),
    sessions,
  );
});

test('status shows the skipped counts with their reasons', async () => {
  const result = await runCommand('cli.ts', ['status', '--school', env.config.schoolId], {
    DATABASE_URL: env.databaseUrl,
  });
  assert.equal(result.status, 0, result.stderr);
  const latest = result.stdout.split(/\nRun /)[1]!;
  assert.match(latest, /record type +fetched +created +updated +unchanged +deactivated +failed +skipped\n/);
  const c = expected.courses;
  assert.match(
    latest,
    new RegExp(
      `\\n +courses skipped: ${c.cancelled} cancelled in the SIS, ${c['outside-sync-window']} outside the sync window, ${c['other-campus']} of another campus, ${c['unmapped-delivery-method']} with an unmapped delivery method, ${c['catalog-course-missing']} without their catalog course \\(GetCourse failed\\)\\n`,
    ),
  );
  assert.match(latest, /\n +users skipped: 1 not found in the SIS by id\n/);
  assert.match(
    latest,
    /\n +course members skipped: 1 whose student the SIS does not know, 1 whose instructor is not in GetInstructors, 1 superseded \(the student is listed twice\)\n/,
  );
  assert.match(latest, /\n +class sessions skipped: \d+ schedule changes not applied \(drift\)/);
});

test('the dashboard shows the skipped counts and why, on the overview and the run history', async () => {
  const cookies = await signedInCookies(app, STAFF, PASSWORD);
  const school = `/dashboard/schools/${env.config.schoolId}`;
  const overview = await app.inject({ method: 'GET', url: school, cookies });
  assert.equal(overview.statusCode, 200);
  const cell = /data-latest-run="courses\.skipped">\s*(\d+)\s*</.exec(overview.body);
  assert.equal(Number(cell?.[1]), expected.courses.cancelled + 4);
  assert.match(
    overview.body,
    new RegExp(
      `<li data-skipped="courses">\\s*Courses skipped: ${expected.courses.cancelled} cancelled in the SIS, 1 outside the sync window, 1 of another campus, 1 with an unmapped delivery method, 1 without their catalog course \\(GetCourse failed\\)\\s*</li>`,
    ),
  );
  assert.match(
    overview.body,
    /<li data-skipped="class_sessions">\s*Class sessions skipped: \d+ schedule changes/,
  );
  const runs = await app.inject({ method: 'GET', url: `${school}/runs`, cookies });
  assert.equal(runs.statusCode, 200);
  assert.match(runs.body, /<th class="num">Skipped<\/th>/);
  assert.match(runs.body, /Users skipped: 1 not found in the SIS by id/);
});

test('the dry-run report counts what a real run would skip, and why', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dry-run-'));
  const configFile = path.join(dir, 'school.json');
  writeFileSync(configFile, JSON.stringify(env.config));
  const result = await runCommand('dry-run.ts', ['--config', configFile, '--out', dir], {
    DATABASE_URL: env.databaseUrl,
  });
  assert.equal(result.status, 2, `exit 2 for the unmapped delivery method\n${result.stderr}`);
  const jsonFile = readdirSync(dir).find((file) => file.startsWith('dry-run_') && file.endsWith('.json'))!;
  const report = JSON.parse(readFileSync(path.join(dir, jsonFile), 'utf8')) as DryRunReport;
  assertCountsAddUp(report.wouldChange, 'dry run');
  assert.deepEqual(report.wouldChange.courses.skippedBy, expected.courses);
  assert.deepEqual(report.wouldChange.course_members.skippedBy, expected.course_members);
  assert.deepEqual(report.wouldChange.class_sessions.skippedBy, {
    'drift-not-applied': expectedSessionCount(env.simulator.getDataset(), template.scheduledCourseId),
  });
  const markdown = readFileSync(path.join(dir, jsonFile.replace(/\.json$/, '.md')), 'utf8');
  assert.match(markdown, /\| record type \| fetched \|.*\| failed \| skipped \|\n/);
  assert.match(
    markdown,
    new RegExp(
      `\\| Courses \\| ${report.wouldChange.courses.fetched} \\|.*\\| 0 \\| ${report.wouldChange.courses.skipped} \\|`,
    ),
  );
  assert.match(markdown, /\n- Users skipped: 1 not found in the SIS by id\n/);
  assert.match(markdown, /\n- Class sessions skipped: \d+ schedule changes not applied \(drift\)\n/);
});
