import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DateTime } from 'luxon';
import type { ScheduleEntry, Section } from '../../src/campus-cloud/schemas';
import { datasetSchema, type Dataset } from '../../src/simulator/dataset';
import { generateDataset } from '../../src/simulator/generate';

const ANCHOR = '2025-03-10';
const small = generateDataset({ preset: 'small', seed: 7, anchorDate: ANCHOR });

const enrollmentsOf = (dataset: Dataset) => Object.values(dataset.enrollments).flat();
/** Sections run Monday to Sunday, so their length in days is a whole number of weeks. */
const weeksOf = (section: Section) =>
  ((Date.parse(section.endDate!) - Date.parse(section.startDate!)) / 86_400_000 + 1) / 7;
const minutesBetween = (start: string, end: string) =>
  Number(end.slice(0, 2)) * 60 +
  Number(end.slice(3)) -
  (Number(start.slice(0, 2)) * 60 + Number(start.slice(3)));

/** The course-setup checklist of PRODUCT.md, as the generator promises to satisfy it. */
function checklistProblems(section: Section, schedule: ScheduleEntry[]): string[] {
  const problems: string[] = [];
  if (!section.startDate || !section.endDate) return ['start/end dates missing'];
  const timed = schedule.filter((e) => e.dayOfWeek !== 0);
  const sundays = schedule.filter((e) => e.dayOfWeek === 0);
  for (const entry of timed) {
    if (entry.dayOfWeek > 5) problems.push(`meeting on day ${entry.dayOfWeek}`);
    if (!entry.startTime || !entry.endTime) problems.push('meeting without times');
    else if (minutesBetween(entry.startTime, entry.endTime) !== entry.minutes)
      problems.push('minutes != end - start');
    if (entry.minutes !== section.minutesPerDay) problems.push('minutes != minutesPerDay');
  }
  const asyncEntryOk = () => {
    const [sunday] = sundays;
    if (sundays.length !== 1 || !sunday || sunday.startTime || sunday.endTime) return false;
    return sunday.minutes * weeksOf(section) === section.courseHours?.asyncMinutes;
  };
  switch (section.deliveryMethod.name) {
    case 'In-Person':
      if (timed.length < 2 || timed.length > 3 || sundays.length)
        problems.push('in-person needs 2-3 weekday meetings');
      break;
    case 'Online':
      if (timed.length || section.courseHours?.syncMinutes !== 0) problems.push('online has sync time');
      if (!asyncEntryOk()) problems.push('Sunday async entry wrong');
      if (!section.lmsCode) problems.push('no lmsCode');
      break;
    case 'Blended':
      if (timed.length < 1 || timed.length > 2) problems.push('blended needs 1-2 weekday meetings');
      if (!section.courseHours?.syncMinutes) problems.push('blended without sync minutes');
      if (!asyncEntryOk()) problems.push('Sunday async entry wrong');
      if (!section.lmsCode) problems.push('no lmsCode');
      break;
    default:
      problems.push(`unknown delivery method ${section.deliveryMethod.name}`);
  }
  return problems;
}

test('the same inputs give the same dataset, another seed a different one', () => {
  assert.deepEqual(generateDataset({ preset: 'small', seed: 7, anchorDate: ANCHOR }), small);
  assert.notDeepEqual(generateDataset({ preset: 'small', seed: 8, anchorDate: ANCHOR }), small);
});

test('the small preset is valid against its own schema and has the documented size', () => {
  datasetSchema.parse(small);
  const enrollments = enrollmentsOf(small);
  assert.equal(small.campusId, 'MAIN');
  assert.equal(small.students.length, 200);
  assert.ok(small.sections.length >= 12 && small.sections.length <= 16);
  assert.equal(small.instructors.length, 8);
  assert.ok(
    enrollments.length / small.students.length >= 3 && enrollments.length / small.students.length <= 4,
  );
  assert.ok(enrollments.filter((e) => e.status === 'Registered').length > enrollments.length * 0.8);
  assert.ok(
    enrollments.some((e) => e.status === 'Dropped') && enrollments.some((e) => e.status === 'Withdrawn'),
  );
  const withoutEmail = small.students.filter((s) => s.email === undefined).length;
  assert.ok(withoutEmail >= 2 && withoutEmail <= 3);
  assert.ok(small.users.some((u) => u.roles.includes('Staff')));
  assert.ok(small.sections.some((s) => s.status === 'Cancelled'));
});

test('the current term spans the anchor date and has two sessions', () => {
  const current = small.terms.find(
    (t) => t.startDate <= ANCHOR && t.endDate >= ANCHOR && !t.code.startsWith('CLIN'),
  );
  assert.ok(current);
  assert.equal(small.sessions.filter((s) => s.termId === current.termId).length, 2);
  const today = new Date().toISOString().slice(0, 10);
  const undated = generateDataset({ preset: 'small' });
  assert.ok(undated.terms.some((t) => t.startDate <= today && t.endDate >= today));
});

test('every small-preset section satisfies the course-setup checklist', () => {
  const instructorIds = new Set(small.instructors.map((i) => i.instructorId));
  const termsById = new Map(small.terms.map((t) => [t.termId, t]));
  for (const section of small.sections) {
    const problems = checklistProblems(section, small.schedules[section.scheduledCourseId] ?? []);
    const term = termsById.get(section.termId)!;
    if (section.startDate! < term.startDate || section.endDate! > term.endDate)
      problems.push('outside its term');
    if (!section.sessionId) problems.push('no sessionId');
    if (!section.instructorIds.every((id) => instructorIds.has(id))) problems.push('unknown instructor');
    assert.deepEqual(problems, [], `${section.sectionCode} (${section.deliveryMethod.name})`);
  }
  const methods = new Set(small.sections.map((s) => s.deliveryMethod.name));
  assert.deepEqual([...methods].sort(), ['Blended', 'In-Person', 'Online']);
});

test('instructor users and hidden records are wired for missing-reference fetching', () => {
  const listedUsers = new Map(small.users.map((u) => [u.userId, u]));
  const hiddenUsers = new Map(small.hiddenUsers.map((u) => [u.userId, u]));
  for (const instructor of small.instructors) {
    const user = listedUsers.get(instructor.userId) ?? hiddenUsers.get(instructor.userId);
    assert.ok(user?.roles.includes('Instructor'), `user of instructor ${instructor.instructorId}`);
  }
  assert.equal(small.instructors.filter((i) => hiddenUsers.has(i.userId)).length, 1);
  const [hidden] = small.hiddenStudents;
  assert.ok(hidden && !small.students.some((s) => s.studentId === hidden.studentId));
  assert.ok(enrollmentsOf(small).some((e) => e.studentId === hidden.studentId));
});

test('the clinical externship runs 52 weeks in person across a daylight-saving change', () => {
  const externship = small.sections.find((s) => s.title === 'Clinical Externship');
  assert.ok(externship);
  assert.equal(externship.deliveryMethod.name, 'In-Person');
  assert.ok(weeksOf(externship) >= 52);
  assert.equal(
    externship.startDate,
    DateTime.fromISO(ANCHOR).minus({ weeks: 30 }).startOf('week').toISODate(),
  );
  const offsets = new Set<number>();
  for (let week = 0; week < 52; week++) {
    offsets.add(
      DateTime.fromISO(externship.startDate!, { zone: 'America/New_York' }).plus({ weeks: week }).offset,
    );
  }
  assert.equal(offsets.size, 2);
});

test('the large preset has the documented size', () => {
  const large = generateDataset({ preset: 'large', seed: 3, anchorDate: ANCHOR });
  assert.ok(large.students.length >= 66_000);
  assert.ok(large.sections.length >= 3_600);
  assert.ok(enrollmentsOf(large).length >= 67_000);
  assert.ok(large.courses.length >= 550 && large.courses.length <= 650);
  assert.ok(large.instructors.length >= 300 && large.instructors.length <= 400);
  const staff = large.users.filter((u) => u.roles.includes('Staff')).length;
  assert.ok(staff >= 350 && staff <= 450);
  assert.ok(large.sections.every((s) => (large.schedules[s.scheduledCourseId] ?? []).length > 0));
});

test('otherCampusIds adds campuses with their own people and sections, and leaves the main campus as it was', () => {
  const two = generateDataset({ preset: 'small', seed: 7, anchorDate: ANCHOR, otherCampusIds: ['NORTH'] });
  datasetSchema.parse(two);
  const mainOf = <T extends { campusId?: string }>(records: T[]) => records.filter((r) => !r.campusId);
  assert.deepEqual(mainOf(two.students), small.students);
  assert.deepEqual(mainOf(two.users), small.users);
  assert.deepEqual(
    two.sections.filter((s) => s.campusId === 'MAIN'),
    small.sections,
  );
  const north = two.sections.filter((s) => s.campusId === 'NORTH');
  assert.equal(north.length, small.sections.length);
  assert.equal(two.students.filter((s) => s.campusId === 'NORTH').length, small.students.length);
  assert.deepEqual(
    two.hiddenStudents.map((s) => s.campusId),
    [undefined, 'NORTH'],
  );
  // North's enrollments name north's students only.
  const northStudents = new Set(
    [...two.students, ...two.hiddenStudents].filter((s) => s.campusId === 'NORTH').map((s) => s.studentId),
  );
  for (const section of north) {
    for (const e of two.enrollments[section.scheduledCourseId]!) assert.ok(northStudents.has(e.studentId));
  }
  assert.throws(() => generateDataset({ preset: 'small', otherCampusIds: ['MAIN'] }), /otherCampusIds/);
});
