import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coversDate, enrollmentDates } from '../../src/coursekey/enrollment-dates';
import { makeupDateProblem } from '../../src/coursekey/makeup-date';

const today = '2026-10-20';

test('a registration date is kept when the enrollment is dropped; the drop ends the membership on its status date', () => {
  const registered = enrollmentDates(
    { status: 'Registered', statusDate: '2026-09-14', active: true },
    undefined,
    today,
  );
  assert.deepEqual(registered, { enrolledFrom: '2026-09-14', enrolledUntil: null });
  const withdrawn = enrollmentDates(
    { status: 'Withdrawn', statusDate: '2026-10-08', active: false },
    registered,
    today,
  );
  assert.deepEqual(withdrawn, { enrolledFrom: '2026-09-14', enrolledUntil: '2026-10-08' });
  assert.deepEqual(
    [
      coversDate({ ...withdrawn, active: false }, '2026-09-13'),
      coversDate({ ...withdrawn, active: false }, '2026-09-14'),
      coversDate({ ...withdrawn, active: false }, '2026-10-08'),
      coversDate({ ...withdrawn, active: false }, '2026-10-09'),
    ],
    [false, true, true, false],
  );
});

test('where the SIS gives no date: from the start, and until the day the drop was first seen', () => {
  const firstSeenDropped = enrollmentDates({ status: 'Dropped', active: false }, undefined, today);
  assert.deepEqual(firstSeenDropped, { enrolledFrom: null, enrolledUntil: today });
  const nextDay = enrollmentDates({ status: 'Dropped', active: false }, firstSeenDropped, '2026-10-21');
  assert.equal(nextDay.enrolledUntil, today, 'the first day seen stays');
  assert.equal(coversDate({ ...firstSeenDropped, active: false }, '2000-01-01'), true);
  assert.equal(
    coversDate({ active: false, enrolledFrom: null, enrolledUntil: null }, '2026-10-01'),
    false,
    'an inactive membership without an end covers nothing',
  );
  assert.deepEqual(
    enrollmentDates({ status: 'Completed', statusDate: '2026-12-18', active: true }, undefined, today),
    { enrolledFrom: null, enrolledUntil: null },
    "a Completed enrollment's status date is not a registration date",
  );
});

test('makeup dates: within the course, not before the posting start date, not in the future', () => {
  const limits = {
    courseId: 'ACC101',
    courseStart: '2026-09-01',
    courseEnd: '2026-12-18',
    postingStart: '2026-09-15',
    today,
  };
  assert.match(makeupDateProblem('1900-01-01', limits)!, /before course ACC101 starts/);
  assert.match(makeupDateProblem('2099-01-01', limits)!, /after course ACC101 ends/);
  assert.match(makeupDateProblem('2026-09-10', limits)!, /before the school's posting start date/);
  assert.match(makeupDateProblem('2026-10-21', limits)!, /in the future/);
  assert.equal(makeupDateProblem('2026-10-20', limits), undefined);
  assert.equal(makeupDateProblem('2026-09-15', limits), undefined);
});
