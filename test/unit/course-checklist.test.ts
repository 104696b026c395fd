import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkSection, courseWeeks, type ChecklistSection } from '../../src/coursekey/course-checklist';

/** An online section of 6 weeks with 1000 async minutes: 166.67 a week. */
const online: ChecklistSection = {
  sectionCode: 'ONL101-01',
  modality: 'online',
  deliveryMethodName: 'Online',
  startDate: '2026-01-05',
  endDate: '2026-02-15',
  minutesPerDay: null,
  syncMinutes: 0,
  asyncMinutes: 1000,
  lmsCode: 'LMS-1',
};
const sundayEntry = (minutes: number) => [{ scheduleId: 'async', dayOfWeek: 0, minutes }];

test('a Sunday async entry of either whole-minute rounding of async minutes / weeks passes', () => {
  assert.equal(courseWeeks(online.startDate!, online.endDate!), 6);
  assert.deepEqual(checkSection(online, sundayEntry(166)), []);
  assert.deepEqual(checkSection(online, sundayEntry(167)), []);
});

test('any other Sunday async entry is flagged with the expected and the found minutes', () => {
  for (const found of [165, 168]) {
    const violations = checkSection(online, sundayEntry(found));
    assert.deepEqual(
      violations.map((v) => [v.rule, v.message, v.details]),
      [
        [
          'async-hours-on-sunday',
          `Section ONL101-01: the Sunday async entry is ${found} minutes, expected 166 or 167 (1000 async minutes / 6 weeks). Correct the Sunday entry in Campus Cloud.`,
          { expected: [166, 167], found, asyncMinutes: 1000, weeks: 6 },
        ],
      ],
    );
  }
});

test('when the async minutes divide evenly only the exact quotient passes', () => {
  const even = { ...online, asyncMinutes: 1200 };
  assert.deepEqual(checkSection(even, sundayEntry(200)), []);
  const [violation] = checkSection(even, sundayEntry(201));
  assert.match(violation!.message, /is 201 minutes, expected 200 \(1200 async minutes \/ 6 weeks\)/);
  assert.deepEqual(violation!.details.expected, [200]);
});
