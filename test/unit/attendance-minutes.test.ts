import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DateTime } from 'luxon';
import {
  combineSameDay,
  editWindowClosesAt,
  isSessionClosed,
  lastDateAttended,
  makeupAttendance,
  sessionAttendance,
  type MinutesRule,
  type SessionForMinutes,
} from '../../src/coursekey/attendance-minutes';
import { expandWeeklySchedule } from '../../src/coursekey/class-sessions';

const zone = 'America/New_York';
const rule: MinutesRule = {
  checkInWindow: { beforeMinutes: 15, afterMinutes: 20 },
  checkOutWindow: { beforeMinutes: 10, afterMinutes: 30 },
  tardyThresholdMinutes: 10,
  asyncAwardedMinutes: 'scheduled',
};
const local = (iso: string) => DateTime.fromISO(iso, { zone }).toJSDate();

function syncSession(date: string, start: string, end: string, minutes: number): SessionForMinutes {
  const [session] = expandWeeklySchedule(
    { startDate: date, endDate: date },
    [
      {
        scheduleId: 'S1',
        dayOfWeek: DateTime.fromISO(date).weekday % 7,
        startTime: start,
        endTime: end,
        minutes,
      },
    ],
    zone,
  );
  return session!;
}

const tuesday = syncSession('2026-10-06', '09:00', '11:00', 120);
const present = (checkIn: string, checkOut: string | null) => ({
  checkedInAt: local(checkIn),
  checkedOutAt: checkOut ? local(checkOut) : null,
});
const attended = (session: SessionForMinutes, presence?: ReturnType<typeof present>, edit?: number) =>
  sessionAttendance(session, rule, presence, edit).attended;

test('on time and staying to the end earns the scheduled minutes; absence is the rest, never negative', () => {
  assert.deepEqual(sessionAttendance(tuesday, rule, present('2026-10-06T08:58', '2026-10-06T11:02')), {
    type: 'Regular',
    date: '2026-10-06',
    scheduled: 120,
    attended: 120,
    absent: 0,
  });
  assert.deepEqual(sessionAttendance(tuesday, rule, undefined), {
    type: 'Regular',
    date: '2026-10-06',
    scheduled: 120,
    attended: 0,
    absent: 120,
  });
});

test('no check-out: counted to the end of the session', () => {
  assert.equal(attended(tuesday, present('2026-10-06T09:02', null)), 120);
  assert.equal(attended(tuesday, present('2026-10-06T09:25', null)), 0, 'check-in window closed at 09:20');
});

test('a check-in before the window opened counts as on time', () => {
  assert.equal(attended(tuesday, present('2026-10-06T08:20', '2026-10-06T11:00')), 120);
});

test('tardy rule: within the threshold costs nothing, after it the minutes missed; leaving early costs the rest', () => {
  assert.equal(attended(tuesday, present('2026-10-06T09:10', '2026-10-06T11:00')), 120);
  assert.equal(attended(tuesday, present('2026-10-06T09:15', '2026-10-06T11:00')), 105);
  assert.equal(
    attended(tuesday, present('2026-10-06T09:00', '2026-10-06T10:52')),
    120,
    'inside check-out window',
  );
  assert.equal(attended(tuesday, present('2026-10-06T09:00', '2026-10-06T10:30')), 90);
  assert.equal(attended(tuesday, present('2026-10-06T09:15', '2026-10-06T08:59')), 0, 'clipped at zero');
});

test('a session across midnight belongs to its start date and is measured in real minutes', () => {
  const night = syncSession('2026-10-09', '22:00', '01:00', 180);
  assert.equal(night.date, '2026-10-09');
  assert.equal(attended(night, present('2026-10-09T21:55', '2026-10-10T01:05')), 180);
  assert.equal(attended(night, present('2026-10-09T22:00', '2026-10-10T00:30')), 150);
  assert.equal(isSessionClosed(night, local('2026-10-10T00:59'), zone), false);
  assert.equal(isSessionClosed(night, local('2026-10-10T01:00'), zone), true);
});

test('a DST day: the 00:30-03:30 class on the fall-back Sunday lasts 4 real hours, and 3 scheduled are earned', () => {
  const fallBack = syncSession('2026-11-01', '00:30', '03:30', 180);
  assert.equal((fallBack.endsAt!.getTime() - fallBack.startsAt!.getTime()) / 60_000, 240);
  assert.equal(attended(fallBack, present('2026-11-01T00:28-04:00', '2026-11-01T03:30-05:00')), 180);
  // Leaving at 02:30 EST misses one real hour.
  assert.equal(attended(fallBack, present('2026-11-01T00:28-04:00', '2026-11-01T02:30-05:00')), 120);
  // Spring forward: 00:30-03:30 lasts 2 real hours; full presence still earns 180, 15 min tardy costs 15.
  const springForward = syncSession('2026-03-08', '00:30', '03:30', 180);
  assert.equal((springForward.endsAt!.getTime() - springForward.startsAt!.getTime()) / 60_000, 120);
  assert.equal(attended(springForward, present('2026-03-08T00:30-05:00', null)), 180);
  assert.equal(attended(springForward, present('2026-03-08T00:45-05:00', null)), 165);
});

test('async sessions award the policy minutes when the student engaged that week; closed when the week is over', () => {
  const week: SessionForMinutes = {
    kind: 'async',
    date: '2026-10-04',
    startsAt: null,
    endsAt: null,
    minutes: 90,
  };
  const engaged = present('2026-10-06T20:00', null);
  assert.deepEqual(sessionAttendance(week, rule, engaged), {
    type: 'Async',
    date: '2026-10-04',
    scheduled: 90,
    attended: 90,
    absent: 0,
  });
  assert.equal(attended(week, undefined), 0);
  assert.equal(sessionAttendance(week, { ...rule, asyncAwardedMinutes: 'none' }, engaged).attended, 0);
  assert.equal(isSessionClosed(week, local('2026-10-10T23:59'), zone), false);
  assert.equal(isSessionClosed(week, local('2026-10-11T00:00'), zone), true);
});

test('an instructor edit overrides the computed minutes, also after posting, within the scheduled minutes', () => {
  const checkedIn = present('2026-10-06T09:00', '2026-10-06T11:00');
  const posted = sessionAttendance(tuesday, rule, checkedIn);
  const edited = sessionAttendance(tuesday, rule, checkedIn, 75);
  assert.deepEqual([edited.attended, edited.absent], [75, 45]);
  assert.notDeepEqual(
    [edited.attended, edited.absent],
    [posted.attended, posted.absent],
    'differs: posted again',
  );
  assert.equal(attended(tuesday, undefined, 60), 60, 'an edit without a check-in');
  assert.equal(attended(tuesday, undefined, 500), 120);
  assert.deepEqual(
    editWindowClosesAt(tuesday, 3, zone).toISOString(),
    local('2026-10-09T11:00').toISOString(),
  );
});

test('makeup on a day without a session is its own record and moves the LDA', () => {
  const records = [
    sessionAttendance(tuesday, rule, present('2026-10-06T09:00', null)),
    sessionAttendance(syncSession('2026-10-08', '09:00', '11:00', 120), rule, undefined),
    makeupAttendance('2026-10-10', 45),
  ];
  assert.deepEqual(records[2], { type: 'Makeup', date: '2026-10-10', scheduled: 0, attended: 45, absent: 0 });
  assert.equal(lastDateAttended(records), '2026-10-10');
  assert.equal(lastDateAttended(records.slice(0, 2)), '2026-10-06', 'a day with 0 minutes is not attendance');
  assert.equal(lastDateAttended([records[1]!]), undefined);
});

test('two sessions of a section on the same date are one SIS record', () => {
  const morning = sessionAttendance(tuesday, rule, present('2026-10-06T09:00', null));
  const evening = sessionAttendance(syncSession('2026-10-06', '18:00', '19:00', 60), rule, undefined);
  assert.deepEqual(combineSameDay([morning, evening]), {
    type: 'Regular',
    date: '2026-10-06',
    scheduled: 180,
    attended: 120,
    absent: 60,
  });
  assert.deepEqual(combineSameDay([evening]), evening);
});
