/**
 * The course-setup checklist and the admin-FAQ behaviours: each problem is an issue once, with the
 * record and the fix; a fix in the SIS resolves it on the next run.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { enableSchool } from '../../src/client/school-schedules';
import { campusToday } from '../../src/coursekey/sync-window';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';
import { brokenSections, violationsDataset } from '../support/violations-dataset';

const { broken, fixed } = violationsDataset();
let env: TestEnvironment;
before(async () => {
  env = await startTestEnvironment({ dataset: structuredClone(broken) });
});
after(async () => {
  await env?.close();
});

const openIssues = (rules?: string[]) => {
  let query = env.db
    .selectFrom('sync_issues')
    .select(['record_type', 'sis_key', 'rule', 'severity', 'message', 'details'])
    .where('school_id', '=', env.config.schoolId)
    .where('resolved_at', 'is', null);
  if (rules) query = query.where('rule', 'in', rules);
  return query.orderBy('sis_key').execute();
};
const checklistRules = brokenSections().map((item) => item.rule);

test('one violation of every rule yields exactly those issues, each naming its record and the fix', async () => {
  const summary = await runSync(env);
  assert.equal(summary.status, 'completed');
  const issues = await openIssues(checklistRules);
  assert.deepEqual(
    issues.map((issue) => [issue.sis_key, issue.rule]),
    brokenSections().map((item) => [item.sectionId, item.rule]),
  );
  for (const [index, issue] of issues.entries()) {
    const item = brokenSections()[index]!;
    assert.equal(issue.severity, 'blocking');
    assert.ok(issue.message.startsWith(`Section ${item.sectionCode}: `), issue.message);
    assert.match(issue.message, /(Campus Cloud|school configuration)/, 'says where to fix it');
  }
  const minutes = issues.find((issue) => issue.rule === 'meeting-minutes-match')!;
  assert.match(minutes.message, /is \d+ minutes but the section's minutes per day are \d+/);
  const sunday = issues.find((issue) => issue.rule === 'async-hours-on-sunday')!;
  assert.match(sunday.message, /is \d+ minutes, expected \d+ \(\d+ async minutes \/ \d+ weeks\)/);
  const unmapped = brokenSections().find((item) => item.rule === 'unmapped-delivery-method')!;
  const course = await env.db
    .selectFrom('courses')
    .select('id')
    .where('sis_key', '=', unmapped.sectionId)
    .execute();
  assert.equal(course.length, 0, 'an unmapped section is not created');
});

test('fixing the sections in the SIS resolves their issues on the next run', async () => {
  env.simulator.replaceDataset(structuredClone(fixed));
  await runSync(env);
  assert.deepEqual(await openIssues(checklistRules), []);
  const resolved = await env.db
    .selectFrom('sync_issues')
    .select(['rule', 'first_seen_at', 'last_seen_at', 'resolved_at'])
    .where('school_id', '=', env.config.schoolId)
    .where('rule', 'in', checklistRules)
    .execute();
  assert.equal(resolved.length, checklistRules.length, 'resolved issues are kept');
  for (const issue of resolved) assert.ok(issue.resolved_at && issue.resolved_at >= issue.last_seen_at);
});

test('a delivery method changed after the course exists is flagged, not applied', async () => {
  const section = fixed.sections.find((s) => s.status === 'Active' && s.deliveryMethod.name === 'In-Person')!;
  env.simulator.mutate({
    op: 'setDeliveryMethod',
    scheduledCourseId: section.scheduledCourseId,
    deliveryMethod: { id: '2', name: 'Online' },
  });
  const summary = await runSync(env);
  assert.equal(summary.counts.courses.updated, 0);
  const course = await env.db
    .selectFrom('courses')
    .select(['delivery_method_name', 'modality'])
    .where('school_id', '=', env.config.schoolId)
    .where('sis_key', '=', section.scheduledCourseId)
    .executeTakeFirstOrThrow();
  assert.deepEqual(course, { delivery_method_name: 'In-Person', modality: 'in-person' });
  const [issue] = await openIssues(['delivery-method-changed']);
  assert.equal(issue!.sis_key, section.scheduledCourseId);
  assert.match(issue!.message, /from "In-Person" to "Online" .* for the technical team/);
  assert.deepEqual(issue!.details.before, { id: '1', name: 'In-Person' });
  assert.deepEqual(issue!.details.after, { id: '2', name: 'Online' });
  env.simulator.mutate({
    op: 'setDeliveryMethod',
    scheduledCourseId: section.scheduledCourseId,
    deliveryMethod: section.deliveryMethod,
  });
});

test('a schedule change is reported as drift; the opt-in applies it to future sessions only', async () => {
  const section = fixed.sections.find(
    (s) =>
      s.status === 'Active' &&
      s.deliveryMethod.name === 'In-Person' &&
      s.startDate! < '2026-11-01' &&
      s.endDate! > '2026-12-01',
  );
  const target = section ?? fixed.sections.find((s) => s.scheduledCourseId === '30014')!;
  const schedule = fixed.schedules[target.scheduledCourseId]!;
  const moved = schedule.map((e) =>
    e.startTime ? { ...e, startTime: '10:00', endTime: addMinutes('10:00', e.minutes) } : e,
  );
  const sessionsBefore = await sessionTimes(target.scheduledCourseId);
  env.simulator.mutate({ op: 'setSchedule', scheduledCourseId: target.scheduledCourseId, schedule: moved });

  const summary = await runSync(env);
  assert.equal(summary.counts.class_sessions.created + summary.counts.class_sessions.updated, 0);
  assert.deepEqual(await sessionTimes(target.scheduledCourseId), sessionsBefore, 'sessions are not changed');
  const [drift] = await openIssues(['schedule-drift']);
  assert.equal(drift!.sis_key, target.scheduledCourseId);
  assert.match(
    drift!.message,
    /schedule changed after class sessions were created: \d+ changed \(e\.g\. \S+ \d\d:\d\d-\d\d:\d\d is now \S+ 10:00-/,
  );

  // Opt in: future sessions move to 10:00, past ones keep their time (they may hold attendance).
  const optedIn = structuredClone(env.config);
  optedIn.safety.applyScheduleChangesToFutureSessions = true;
  await enableSchool(env.db, env.client, optedIn, { taskQueue: env.taskQueue, paused: true });
  const applied = await runSync(env);
  assert.ok(applied.counts.class_sessions.updated > 0);
  const today = campusToday(env.config); // "future" is the campus's date, not UTC's
  for (const session of await sessionTimes(target.scheduledCourseId)) {
    if (session.date > today) assert.equal(session.start, '10:00', `${session.date} moved`);
    else assert.notEqual(session.start, '10:00', `${session.date} kept`);
  }
  await enableSchool(env.db, env.client, env.config, { taskQueue: env.taskQueue, paused: true });
});

function addMinutes(time: string, minutes: number): string {
  const [h, m] = time.split(':').map(Number) as [number, number];
  const total = h * 60 + m + minutes;
  return `${String(Math.floor(total / 60) % 24).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;
}

async function sessionTimes(courseKey: string) {
  const rows = await env.db
    .selectFrom('class_sessions')
    .select(['session_date', 'starts_at'])
    .where('school_id', '=', env.config.schoolId)
    .where('course_sis_key', '=', courseKey)
    .where('kind', '=', 'sync')
    .orderBy('session_date')
    .execute();
  return rows.map((row) => ({
    date: row.session_date,
    start: row.starts_at!.toLocaleTimeString('en-GB', {
      timeZone: env.config.timeZone,
      hour: '2-digit',
      minute: '2-digit',
    }),
  }));
}

test('a section skipped for an unmapped delivery method is reported, not deactivated', async () => {
  const withoutBlended = structuredClone(env.config);
  withoutBlended.deliveryMethods = withoutBlended.deliveryMethods.filter((m) => m.sisName !== 'Blended');
  await enableSchool(env.db, env.client, withoutBlended, { taskQueue: env.taskQueue, paused: true });
  const summary = await runSync(env);
  await enableSchool(env.db, env.client, env.config, { taskQueue: env.taskQueue, paused: true });

  assert.equal(summary.counts.courses.deactivated, 0);
  const blended = await env.db
    .selectFrom('courses')
    .select(['sis_key', 'active'])
    .where('school_id', '=', env.config.schoolId)
    .where('delivery_method_name', '=', 'Blended')
    .execute();
  assert.ok(blended.length > 0);
  for (const course of blended) assert.equal(course.active, true, `${course.sis_key} stays active`);
  const unmapped = await openIssues(['unmapped-delivery-method']);
  assert.deepEqual(
    unmapped.map((issue) => issue.sis_key).sort(),
    blended.map((course) => course.sis_key).sort(),
  );
});
