/**
 * Campus Cloud schedules weekly patterns; CourseKey needs dated class sessions. Expansion happens
 * in the school's time zone, so a 9:00 class stays at 9:00 local on both sides of a DST change.
 */
import { DateTime } from 'luxon';

/** One weekly meeting of a section as the SIS schedules it (day 0 = Sunday); untimed = async. */
export interface WeeklyMeeting {
  scheduleId: string;
  dayOfWeek: number;
  startTime?: string | undefined;
  endTime?: string | undefined;
  minutes: number;
  effectiveFrom?: string | undefined;
  effectiveTo?: string | undefined;
}

export interface PlannedSession {
  scheduleId: string;
  date: string;
  kind: 'sync' | 'async';
  startsAt: Date | null;
  endsAt: Date | null;
  minutes: number;
}

export interface SectionDates {
  startDate: string;
  endDate: string;
}

const later = (a: string, b?: string) => (b && b > a ? b : a);
const earlier = (a: string, b?: string) => (b && b < a ? b : a);

function localInstant(date: string, time: string, zone: string): DateTime {
  return DateTime.fromISO(`${date}T${time}`, { zone });
}

/** Every dated session a section's weekly pattern implies, between its start and end dates. */
export function expandWeeklySchedule(
  section: SectionDates,
  entries: WeeklyMeeting[],
  zone: string,
): PlannedSession[] {
  const sessions: PlannedSession[] = [];
  for (const entry of entries) {
    const from = later(section.startDate, entry.effectiveFrom);
    const to = earlier(section.endDate, entry.effectiveTo);
    // Luxon numbers Monday 1 .. Sunday 7; Campus Cloud numbers Sunday 0 .. Saturday 6.
    let day = DateTime.fromISO(from, { zone: 'utc' });
    const offset = (entry.dayOfWeek - (day.weekday % 7) + 7) % 7;
    day = day.plus({ days: offset });
    for (; day.toISODate()! <= to; day = day.plus({ weeks: 1 })) {
      const date = day.toISODate()!;
      if (entry.startTime && entry.endTime) {
        const starts = localInstant(date, entry.startTime, zone);
        let ends = localInstant(date, entry.endTime, zone);
        // A class that ends at or before its start time runs past midnight.
        if (entry.endTime <= entry.startTime)
          ends = localInstant(day.plus({ days: 1 }).toISODate()!, entry.endTime, zone);
        sessions.push({
          scheduleId: entry.scheduleId,
          date,
          kind: 'sync',
          startsAt: starts.toJSDate(),
          endsAt: ends.toJSDate(),
          minutes: entry.minutes,
        });
      } else {
        sessions.push({
          scheduleId: entry.scheduleId,
          date,
          kind: 'async',
          startsAt: null,
          endsAt: null,
          minutes: entry.minutes,
        });
      }
    }
  }
  return sessions.sort((a, b) =>
    a.date === b.date ? a.scheduleId.localeCompare(b.scheduleId) : a.date < b.date ? -1 : 1,
  );
}
