/**
 * Realistic CourseKey check-ins for the closed sessions of a simulator dataset, for the demo, the
 * tests and the benchmark: most students arrive on time and stay, some arrive late (a few after
 * the check-in window closed), some leave early, some forget to check out, some miss class; most
 * online students engage with the week's async work. Deterministic for a seed.
 */
import type { ScheduleEntry } from '../campus-cloud/schemas';
import type { SchoolConfig } from '../config/school-config';
import { isSessionClosed } from '../coursekey/attendance-minutes';
import { expandWeeklySchedule } from '../coursekey/class-sessions';
import { mapDeliveryMethod } from '../coursekey/delivery-methods';
import type { Dataset } from './dataset';
import { createRandom, type Random } from './random';

export interface GeneratedCheckIn {
  session_sis_key: string;
  course_sis_key: string;
  student_sis_id: string;
  checked_in_at: Date;
  checked_out_at: Date | null;
}

const MINUTE_MS = 60_000;
const ATTENDING = new Set(['Registered', 'Completed']);
const at = (instant: Date, minutes: number) => new Date(instant.getTime() + minutes * MINUTE_MS);

function syncPresence(random: Random, startsAt: Date, endsAt: Date) {
  if (random.chance(0.12)) return undefined;
  const arrival = random.next();
  const checkedInAt =
    arrival < 0.75
      ? at(startsAt, random.int(-12, 4))
      : arrival < 0.95
        ? at(startsAt, random.int(5, 19))
        : at(startsAt, random.int(21, 45));
  const departure = random.next();
  const checkedOutAt =
    departure < 0.8
      ? at(endsAt, random.int(-8, 25))
      : departure < 0.92
        ? at(endsAt, random.int(-50, -12))
        : null;
  return { checkedInAt, checkedOutAt };
}

export function generateCheckIns(
  dataset: Dataset,
  config: SchoolConfig,
  options: { now: Date; seed?: number; sectionIds?: ReadonlySet<string> },
): GeneratedCheckIn[] {
  const random = createRandom(options.seed ?? 1);
  const rows: GeneratedCheckIn[] = [];
  for (const section of dataset.sections) {
    if (section.status !== 'Active' || !section.startDate || !section.endDate) continue;
    if (section.campusId !== config.campusId) continue;
    if (options.sectionIds && !options.sectionIds.has(section.scheduledCourseId)) continue;
    if (!mapDeliveryMethod(config, section.deliveryMethod)) continue;
    const students = (dataset.enrollments[section.scheduledCourseId] ?? []).filter((e) =>
      ATTENDING.has(e.status),
    );
    const sessions = expandWeeklySchedule(
      { startDate: section.startDate, endDate: section.endDate },
      (dataset.schedules[section.scheduledCourseId] ?? []) as ScheduleEntry[],
      config.timeZone,
    );
    for (const session of sessions) {
      if (!isSessionClosed(session, options.now, config.timeZone)) continue;
      const sessionKey = `${section.scheduledCourseId}:${session.scheduleId}:${session.date}`;
      for (const { studentId } of students) {
        const presence =
          session.startsAt && session.endsAt
            ? syncPresence(random, session.startsAt, session.endsAt)
            : random.chance(0.8)
              ? {
                  checkedInAt: at(new Date(`${session.date}T12:00:00Z`), random.int(0, 6 * 24 * 60)),
                  checkedOutAt: null,
                }
              : undefined;
        if (!presence) continue;
        rows.push({
          session_sis_key: sessionKey,
          course_sis_key: section.scheduledCourseId,
          student_sis_id: studentId,
          checked_in_at: presence.checkedInAt,
          checked_out_at: presence.checkedOutAt,
        });
      }
    }
  }
  return rows;
}
