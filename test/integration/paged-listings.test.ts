/**
 * A paged listing that changes while it is read (a record inserted or removed between two page
 * reads) lists one record twice and another on no page: it must deactivate nobody. Every listing
 * here ends in records that nothing else keeps, so a record pushed off the last page would read
 * as gone from the SIS.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Enrollment, Section } from '../../src/campus-cloud/schemas';
import type { RunSummary } from '../../src/activities/sync-runs';
import { campusToday, termSearchRange } from '../../src/coursekey/sync-window';
import { runSync, startTestEnvironment, type TestEnvironment } from '../support/environment';

const PAGE_SIZE = 5;
const pagedListings = ['GetUsers', 'GetStudents', 'GetInstructors', 'GetTermSchedule', 'GetEnrollment'];

let env: TestEnvironment;
/** The listings that span pages (the ones a shift changes), as the issues name them. */
let multiPageListings: string[];
/** The last record of each listing, which a record inserted ahead of it pushes off every page. */
let lastListed: { users: string[]; course: string; member: string };

/** Records to add so that `count` becomes a whole number of full pages, the added ones last. */
const padding = (count: number) => PAGE_SIZE - (count % PAGE_SIZE);

before(async () => {
  env = await startTestEnvironment({
    configure: (config) => {
      config.sis.pageSize = PAGE_SIZE;
      // Should anything be held for approval, the run ends at once instead of waiting 45 minutes.
      config.safety.approvalWait = '1s';
    },
  });
  await runSync(env);

  const dataset = structuredClone(env.simulator.getDataset());
  const students = padding(dataset.students.length);
  for (let i = 1; i <= students; i++) {
    dataset.students.push({
      studentId: `pad-student-${i}`,
      studentNumber: `P${i}`,
      firstName: 'Pad',
      lastName: `Student${i}`,
      email: `pad.student.${i}@students.example.edu`,
      status: 'Active',
    });
  }
  const users = padding(dataset.users.length);
  for (let i = 1; i <= users; i++) {
    dataset.users.push({
      userId: `pad-user-${i}`,
      firstName: 'Pad',
      lastName: `User${i}`,
      email: `pad.user.${i}@staff.example.edu`,
      roles: ['Staff'],
      active: true,
    });
  }
  // Copies of a synced section, last in their term's schedule, and students last in its enrollments.
  const synced = await env.db
    .selectFrom('courses')
    .select('sis_key')
    .where('school_id', '=', env.config.schoolId)
    .where('active', '=', true)
    .orderBy('sis_key')
    .execute();
  const syncedKeys = new Set(synced.map((row) => row.sis_key));
  const template = dataset.sections.find(
    (s) =>
      syncedKeys.has(s.scheduledCourseId) && dataset.enrollments[s.scheduledCourseId]!.length > PAGE_SIZE,
  )!;
  const sections = padding(dataset.sections.filter((s) => s.termId === template.termId).length);
  for (let i = 1; i <= sections; i++) {
    const copy: Section = { ...structuredClone(template), scheduledCourseId: `pad-section-${i}` };
    dataset.sections.push(copy);
    dataset.schedules[copy.scheduledCourseId] = dataset.schedules[template.scheduledCourseId]!.map((e) => ({
      ...e,
      scheduleId: `pad-section-${i}-${e.scheduleId}`,
    }));
    dataset.enrollments[copy.scheduledCourseId] = [];
  }
  const enrolled: Enrollment[] = dataset.enrollments[template.scheduledCourseId]!;
  const notEnrolled = dataset.students.filter(
    (s) => !s.studentId.startsWith('pad-') && !enrolled.some((e) => e.studentId === s.studentId),
  );
  const enrollments = padding(enrolled.length);
  for (let i = 0; i < enrollments; i++) {
    enrolled.push({
      enrollmentId: `pad-enrollment-${i + 1}`,
      studentId: notEnrolled[i]!.studentId,
      status: 'Registered',
    });
  }
  env.simulator.replaceDataset(dataset);
  await runSync(env);

  lastListed = {
    users: [`student:${dataset.students.at(-1)!.studentId}`, `user:${dataset.users.at(-1)!.userId}`],
    course: `pad-section-${sections}`,
    member: `${template.scheduledCourseId}:student:student:${enrolled.at(-1)!.studentId}`,
  };
  syncedKeys.add(`pad-section-${sections}`);
  const range = termSearchRange(env.config, campusToday(env.config));
  const syncTerms = dataset.terms.filter((t) => t.startDate <= range.to && t.endDate >= range.from);
  multiPageListings = [
    ...(['users', 'students', 'instructors'] as const)
      .filter((list) => dataset[list].length > PAGE_SIZE)
      .map((list) => ({ users: 'GetUsers', students: 'GetStudents', instructors: 'GetInstructors' })[list]),
    ...syncTerms
      .filter((term) => dataset.sections.filter((s) => s.termId === term.termId).length > PAGE_SIZE)
      .map((term) => `GetTermSchedule ${term.termId}`),
    ...[...syncedKeys]
      .filter((key) => dataset.enrollments[key]!.length > PAGE_SIZE)
      .map((key) => `GetEnrollment ${key}`),
  ].sort();
  assert.ok(
    multiPageListings.includes('GetStudents') &&
      multiPageListings.includes(`GetEnrollment ${template.scheduledCourseId}`),
  );
  await assertLastListedActive();
});
after(async () => {
  await env?.close();
});

async function assertLastListedActive() {
  const active = async (table: 'users' | 'courses' | 'course_members', keys: string[]) =>
    (
      await env.db
        .selectFrom(table)
        .select(['sis_key', 'active'])
        .where('school_id', '=', env.config.schoolId)
        .where('sis_key', 'in', keys)
        .orderBy('sis_key')
        .execute()
    ).map((row) => [row.sis_key, row.active]);
  assert.deepEqual(
    await active('users', lastListed.users),
    [...lastListed.users].sort().map((key) => [key, true]),
  );
  assert.deepEqual(await active('courses', [lastListed.course]), [[lastListed.course, true]]);
  assert.deepEqual(await active('course_members', [lastListed.member]), [[lastListed.member, true]]);
}

function assertNothingDeactivated(summary: RunSummary) {
  assert.equal(summary.status, 'completed');
  for (const [type, counts] of Object.entries(summary.counts)) {
    assert.equal(counts.deactivated, 0, `no ${type} deactivated`);
  }
}

const openListingIssues = () =>
  env.db
    .selectFrom('sync_issues')
    .select(['sis_key', 'record_type', 'message'])
    .where('school_id', '=', env.config.schoolId)
    .where('rule', '=', 'listing-changed-while-read')
    .where('resolved_at', 'is', null)
    .orderBy('sis_key')
    .execute();

test('records inserted between page reads push the last ones off no page: nothing is deactivated', async () => {
  env.simulator.setFaults({ shiftedListings: pagedListings, listingShift: 1 });
  const summary = await runSync(env);
  env.simulator.setFaults({});
  assertNothingDeactivated(summary);
  await assertLastListedActive();
  const issues = await openListingIssues();
  assert.deepEqual(
    issues.map((issue) => issue.sis_key),
    multiPageListings,
  );
  const students = issues.find((issue) => issue.sis_key === 'GetStudents')!;
  assert.equal(students.record_type, 'users');
  assert.match(
    students.message,
    /^GetStudents changed while it was read page by page \(totalCount \d+ and \d+ on different pages; \d+ different records read, 1 of them twice\)/,
  );
  assert.match(
    students.message,
    /Nothing it lists was deactivated this run; the next sync reads it again\.$/,
  );
});

test('records removed between page reads skip others: nothing is deactivated either', async () => {
  env.simulator.setFaults({ shiftedListings: pagedListings, listingShift: -1 });
  const summary = await runSync(env);
  env.simulator.setFaults({});
  assertNothingDeactivated(summary);
  await assertLastListedActive();
  // The section a term's schedule skipped is not synced this run, so neither are its enrollments.
  const reported = (await openListingIssues()).map((issue) => issue.sis_key);
  const notEnrollments = (keys: string[]) => keys.filter((key) => !key.startsWith('GetEnrollment '));
  assert.deepEqual(notEnrollments(reported), notEnrollments(multiPageListings));
  assert.ok(reported.length > notEnrollments(reported).length, 'enrollment listings reported');
  for (const key of reported) assert.ok(multiPageListings.includes(key), key);
});

test('once the listings hold still the reports are resolved and everyone is still listed', async () => {
  const summary = await runSync(env);
  assertNothingDeactivated(summary);
  await assertLastListedActive();
  assert.deepEqual(await openListingIssues(), []);
});
