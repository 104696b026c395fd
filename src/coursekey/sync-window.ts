import { DateTime } from 'luxon';
import type { SchoolConfig } from '../config/school-config';

export interface DateRange {
  from: string;
  to: string;
}

/** Today's calendar date on the campus. */
export function campusToday(config: SchoolConfig, now = DateTime.now()): string {
  return now.setZone(config.timeZone).toISODate()!;
}

/**
 * A section is synced from `daysBeforeStart` before its start until `daysAfterEnd` after its end.
 * Terms that can hold such a section overlap this range of dates.
 */
export function termSearchRange(config: SchoolConfig, today: string): DateRange {
  const day = DateTime.fromISO(today, { zone: 'utc' });
  return {
    from: day.minus({ days: config.syncWindow.daysAfterEnd }).toISODate()!,
    to: day.plus({ days: config.syncWindow.daysBeforeStart }).toISODate()!,
  };
}

/** Sections without dates are kept in, so the checklist can report them instead of hiding them. */
export function isInSyncWindow(
  config: SchoolConfig,
  today: string,
  section: { startDate?: string | undefined; endDate?: string | undefined },
): boolean {
  const range = termSearchRange(config, today);
  if (section.startDate && section.startDate > range.to) return false;
  if (section.endDate && section.endDate < range.from) return false;
  return true;
}
