import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expandWeeklySchedule } from '../../src/coursekey/class-sessions';

const zone = 'America/New_York';

test('weekly meetings become dated sessions in the campus time zone across a DST change', () => {
  // 2026-11-01 is the end of daylight time in New York: 09:00 local is 13:00Z before, 14:00Z after.
  const sessions = expandWeeklySchedule(
    { startDate: '2026-10-26', endDate: '2026-11-06' },
    [{ scheduleId: 'm', dayOfWeek: 1, startTime: '09:00', endTime: '11:30', minutes: 150 }],
    zone,
  );
  assert.deepEqual(
    sessions.map((s) => [s.date, s.startsAt!.toISOString(), s.endsAt!.toISOString()]),
    [
      ['2026-10-26', '2026-10-26T13:00:00.000Z', '2026-10-26T15:30:00.000Z'],
      ['2026-11-02', '2026-11-02T14:00:00.000Z', '2026-11-02T16:30:00.000Z'],
    ],
  );
});

test('a class that ends after midnight ends on the next day', () => {
  const [session] = expandWeeklySchedule(
    { startDate: '2026-03-02', endDate: '2026-03-02' },
    [{ scheduleId: 'night', dayOfWeek: 1, startTime: '22:00', endTime: '01:00', minutes: 180 }],
    zone,
  );
  assert.equal(session!.startsAt!.toISOString(), '2026-03-03T03:00:00.000Z');
  assert.equal(session!.endsAt!.toISOString(), '2026-03-03T06:00:00.000Z');
});

test('a Sunday entry without times becomes weekly async sessions worth its minutes', () => {
  const sessions = expandWeeklySchedule(
    { startDate: '2026-01-05', endDate: '2026-02-01' },
    [{ scheduleId: 'async', dayOfWeek: 0, minutes: 240 }],
    zone,
  );
  assert.deepEqual(
    sessions.map((s) => [s.date, s.kind, s.minutes, s.startsAt]),
    [
      ['2026-01-11', 'async', 240, null],
      ['2026-01-18', 'async', 240, null],
      ['2026-01-25', 'async', 240, null],
      ['2026-02-01', 'async', 240, null],
    ],
  );
});

test('effective dates narrow an entry inside the section dates', () => {
  const sessions = expandWeeklySchedule(
    { startDate: '2026-01-01', endDate: '2026-01-31' },
    [
      {
        scheduleId: 'w',
        dayOfWeek: 3,
        startTime: '18:00',
        endTime: '20:00',
        minutes: 120,
        effectiveFrom: '2026-01-10',
        effectiveTo: '2026-01-21',
      },
    ],
    zone,
  );
  assert.deepEqual(
    sessions.map((s) => s.date),
    ['2026-01-14', '2026-01-21'],
  );
});
