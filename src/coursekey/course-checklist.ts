/**
 * The SIS course-setup checklist (PRODUCT.md "Course setup rules"): what a section must look like
 * in Campus Cloud for CourseKey to take attendance correctly. Pure: one section and its weekly
 * schedule in, violations out, each with a message that names the section and the fix.
 */
import type { AttendanceMethod } from '../config/school-config';
import type { WeeklyMeeting } from './class-sessions';

export interface ChecklistSection {
  sectionCode: string;
  modality: AttendanceMethod['modality'];
  deliveryMethodName: string;
  startDate: string | null;
  endDate: string | null;
  minutesPerDay: number | null;
  syncMinutes: number | null;
  asyncMinutes: number | null;
  lmsCode: string | null;
}

export const checklistRules = [
  'dates-required',
  'modality-matches-delivery-method',
  'meetings-required',
  'meeting-minutes-match',
  'course-hours-required',
  'async-hours-on-sunday',
  'online-has-no-sync-days',
  'lms-code-required',
] as const;
export type ChecklistRule = (typeof checklistRules)[number];

export interface Violation {
  rule: ChecklistRule;
  message: string;
  details: Record<string, unknown>;
}

const isTimed = (entry: WeeklyMeeting) => Boolean(entry.startTime && entry.endTime);
const isSundayAsync = (entry: WeeklyMeeting) => entry.dayOfWeek === 0 && !isTimed(entry);
const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** Whole weeks the section runs, counting a partial last week as a week. */
export function courseWeeks(startDate: string, endDate: string): number {
  const days = (Date.parse(`${endDate}T00:00:00Z`) - Date.parse(`${startDate}T00:00:00Z`)) / 86_400_000 + 1;
  return Math.max(1, Math.ceil(days / 7));
}

export function checkSection(section: ChecklistSection, schedule: WeeklyMeeting[]): Violation[] {
  const violations: Violation[] = [];
  const name = `Section ${section.sectionCode}`;
  const add = (rule: ChecklistRule, message: string, details: Record<string, unknown> = {}) =>
    violations.push({ rule, message: `${name}: ${message}`, details });

  if (!section.startDate || !section.endDate) {
    const missing = [!section.startDate && 'start', !section.endDate && 'end'].filter(Boolean).join(' and ');
    add('dates-required', `${missing} date missing. Set the section's start and end dates in Campus Cloud.`);
  }
  const timed = schedule.filter(isTimed);
  const sundayAsync = schedule.filter(isSundayAsync);
  const otherUntimed = schedule.filter((entry) => !isTimed(entry) && !isSundayAsync(entry));

  if (section.modality === 'in-person') {
    if (sundayAsync.length || (section.asyncMinutes ?? 0) > 0) {
      add(
        'modality-matches-delivery-method',
        `delivery method "${section.deliveryMethodName}" is in-person, but the section has asynchronous hours. Use an online or blended delivery method, or remove the async hours in Campus Cloud.`,
      );
    }
    if (timed.length === 0) {
      add(
        'meetings-required',
        'in-person course has no weekly meetings scheduled. Schedule its meeting days and times in Campus Cloud.',
      );
    }
  }

  if (section.modality !== 'online') {
    for (const entry of timed) {
      if (section.minutesPerDay === null || entry.minutes !== section.minutesPerDay) {
        add(
          'meeting-minutes-match',
          `the ${dayNames[entry.dayOfWeek]} meeting is ${entry.minutes} minutes but the section's minutes per day are ${section.minutesPerDay ?? 'not set'}. Make them equal in Campus Cloud.`,
          { scheduleId: entry.scheduleId, expected: section.minutesPerDay, found: entry.minutes },
        );
      }
    }
    for (const entry of otherUntimed) {
      add(
        'meetings-required',
        `the ${dayNames[entry.dayOfWeek]} meeting has no start and end time. Set its times in Campus Cloud.`,
        {
          scheduleId: entry.scheduleId,
        },
      );
    }
  }

  if (section.modality === 'online' || section.modality === 'blended') {
    const kind = section.modality === 'online' ? 'online' : 'blended';
    if (section.asyncMinutes === null) {
      add(
        'course-hours-required',
        `${kind} course has no course hours. Enter its synchronous and asynchronous hours in Campus Cloud.`,
      );
    }
    if (sundayAsync.length !== 1) {
      add(
        'async-hours-on-sunday',
        sundayAsync.length === 0
          ? `${kind} course has no asynchronous hours scheduled on Sunday. Schedule the weekly async minutes as a Sunday entry without times in Campus Cloud.`
          : `${kind} course has ${sundayAsync.length} Sunday async entries; it needs exactly one. Merge them in Campus Cloud.`,
        { found: sundayAsync.length, expected: 1 },
      );
    } else if (section.asyncMinutes !== null && section.startDate && section.endDate) {
      const weeks = courseWeeks(section.startDate, section.endDate);
      // Whole minutes rarely divide evenly: either rounding of the exact quotient is right.
      const expected = [
        ...new Set([Math.floor(section.asyncMinutes / weeks), Math.ceil(section.asyncMinutes / weeks)]),
      ];
      const found = sundayAsync[0]!.minutes;
      if (!expected.includes(found)) {
        add(
          'async-hours-on-sunday',
          `the Sunday async entry is ${found} minutes, expected ${expected.join(' or ')} (${section.asyncMinutes} async minutes / ${weeks} weeks). Correct the Sunday entry in Campus Cloud.`,
          { expected, found, asyncMinutes: section.asyncMinutes, weeks },
        );
      }
    }
    if (!section.lmsCode) {
      add('lms-code-required', `${kind} course has no LMS code (mapping id). Set it in Campus Cloud.`);
    }
  }

  if (section.modality === 'online') {
    const syncDays = schedule.filter((entry) => !isSundayAsync(entry));
    if (syncDays.length || (section.syncMinutes ?? 0) > 0) {
      add(
        'online-has-no-sync-days',
        `online course has synchronous time (${syncDays.map((entry) => dayNames[entry.dayOfWeek]).join(', ') || `${section.syncMinutes} sync minutes`}). Remove the other scheduled days and set synchronous hours to 0 in Campus Cloud, or use a blended delivery method.`,
        { days: syncDays.map((entry) => entry.dayOfWeek), syncMinutes: section.syncMinutes },
      );
    }
  }

  if (section.modality === 'blended' && timed.length === 0) {
    add(
      'meetings-required',
      'blended course has no synchronous meeting days scheduled. Schedule them in Campus Cloud.',
    );
  }
  return violations;
}
