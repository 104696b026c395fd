/**
 * Attendance minutes, as PRODUCT.md "Posting" defines them. Pure functions: instants are compared
 * as instants (so a session across midnight or a DST change is measured in real minutes) and
 * calendar questions (which day, when a week ends) are answered in the school's time zone.
 *
 * Rules for a synchronous session with `scheduled` minutes:
 * - no check-in, or a check-in after the check-in window closed: 0 (an instructor edit can fix it);
 * - a check-in before the window opened counts as on time (the student was there at the start);
 * - arriving within the tardy threshold costs nothing; arriving later costs the minutes missed;
 * - checking out within the check-out window (or not at all) costs nothing; leaving before the
 *   window opened costs the minutes missed;
 * - attended is clipped to [0, scheduled]; absent = scheduled - attended.
 * Async sessions award minutes per the method's policy when the student engaged that week.
 * An instructor edit overrides whatever was computed.
 */
import { DateTime } from 'luxon';

/** The SIS's attendance record types: a class session, an async week, or makeup time. */
export type AttendanceType = 'Regular' | 'Async' | 'Makeup';

export interface MinutesRule {
  checkInWindow: { beforeMinutes: number; afterMinutes: number };
  checkOutWindow: { beforeMinutes: number; afterMinutes: number };
  tardyThresholdMinutes: number;
  asyncAwardedMinutes: 'scheduled' | 'none';
}

export interface SessionForMinutes {
  kind: 'sync' | 'async';
  /** The campus date of the session (its start's date, also for sessions that run past midnight). */
  date: string;
  startsAt: Date | null;
  endsAt: Date | null;
  minutes: number;
}

export interface StudentPresence {
  checkedInAt: Date;
  checkedOutAt: Date | null;
}

export interface SessionAttendance {
  type: AttendanceType;
  date: string;
  scheduled: number;
  attended: number;
  absent: number;
}

const MINUTE_MS = 60_000;
const minutesBetween = (from: Date, to: Date) => Math.floor((to.getTime() - from.getTime()) / MINUTE_MS);
const addMinutes = (at: Date, minutes: number) => new Date(at.getTime() + minutes * MINUTE_MS);
const clip = (value: number, max: number) => Math.max(0, Math.min(max, value));

/** Attended minutes of a synchronous session from check-in/check-out and the method's windows. */
export function syncAttendedMinutes(
  session: { startsAt: Date; endsAt: Date; minutes: number },
  rule: MinutesRule,
  presence: StudentPresence | undefined,
): number {
  if (!presence) return 0;
  const { startsAt, endsAt, minutes } = session;
  if (presence.checkedInAt > addMinutes(startsAt, rule.checkInWindow.afterMinutes)) return 0;
  const late = minutesBetween(startsAt, presence.checkedInAt);
  const lateCost = late > rule.tardyThresholdMinutes ? late : 0;
  const out = presence.checkedOutAt;
  const leftEarly = out !== null && out < addMinutes(endsAt, -rule.checkOutWindow.beforeMinutes);
  const earlyCost = leftEarly ? Math.ceil((endsAt.getTime() - out.getTime()) / MINUTE_MS) : 0;
  return clip(minutes - lateCost - earlyCost, minutes);
}

/** One student's attendance of one session; an instructor edit (minutes) overrides the computation. */
export function sessionAttendance(
  session: SessionForMinutes,
  rule: MinutesRule,
  presence: StudentPresence | undefined,
  editedMinutes?: number,
): SessionAttendance {
  const scheduled = session.minutes;
  let attended: number;
  if (editedMinutes !== undefined) attended = clip(editedMinutes, scheduled);
  else if (session.kind === 'async')
    attended = presence && rule.asyncAwardedMinutes === 'scheduled' ? scheduled : 0;
  else if (session.startsAt && session.endsAt)
    attended = syncAttendedMinutes(
      { ...session, startsAt: session.startsAt, endsAt: session.endsAt },
      rule,
      presence,
    );
  else attended = 0;
  return {
    type: session.kind === 'async' ? 'Async' : 'Regular',
    date: session.date,
    scheduled,
    attended,
    absent: Math.max(0, scheduled - attended),
  };
}

/** Makeup time entered by an admin: a record of its own, on any date, never absent minutes. */
export function makeupAttendance(date: string, minutes: number): SessionAttendance {
  return { type: 'Makeup', date, scheduled: 0, attended: minutes, absent: 0 };
}

/**
 * When a session closes and can be posted: a synchronous one when it ends; an async one (the
 * week's online work, dated its Sunday) when that week is over at midnight campus time.
 */
export function sessionClosesAt(session: SessionForMinutes, zone: string): Date {
  if (session.kind === 'sync' && session.endsAt) return session.endsAt;
  return DateTime.fromISO(session.date, { zone }).plus({ days: 7 }).startOf('day').toJSDate();
}

export function isSessionClosed(session: SessionForMinutes, now: Date, zone: string): boolean {
  return sessionClosesAt(session, zone) <= now;
}

/** Until when an instructor may still edit a session's attendance: its end plus the edit window. */
export function editWindowClosesAt(session: SessionForMinutes, editWindowDays: number, zone: string): Date {
  const end = session.endsAt
    ? DateTime.fromJSDate(session.endsAt, { zone })
    : DateTime.fromISO(session.date, { zone }).plus({ days: 7 }).startOf('day');
  return end.plus({ days: editWindowDays }).toJSDate();
}

/**
 * Sessions of the same section, student, date and type are one SIS record (the SIS keys attendance
 * so): their minutes add up.
 */
export function combineSameDay(records: readonly SessionAttendance[]): SessionAttendance {
  const [first, ...rest] = records;
  if (!first) throw new Error('combineSameDay needs at least one record');
  const combined = { ...first };
  for (const record of rest) {
    combined.scheduled += record.scheduled;
    combined.attended += record.attended;
    combined.absent += record.absent;
  }
  return combined;
}

/** LDA: the last date with attended minutes > 0, or undefined when the student never attended. */
export function lastDateAttended(records: readonly { date: string; attended: number }[]): string | undefined {
  let last: string | undefined;
  for (const record of records) if (record.attended > 0 && (!last || record.date > last)) last = record.date;
  return last;
}
