/**
 * A section for the dated-membership tests, added to the simulator: it meets once a week on
 * today's weekday late in the evening (23:09-23:59 campus time), from three weeks ago to three
 * weeks ahead, so its session today has not ended whatever the time of day the test starts. The
 * clock is moved by moving sessions: `endSessions` makes sessions end at a given instant, as if
 * that much time had passed for them, and makes their course due as its next close would.
 */
import { DateTime } from 'luxon';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { insertCheckIns } from '../../src/db/check-ins';
import type { TestEnvironment } from './environment';

const MINUTES = 50;
const SCHEDULE_ID = 'EVENING';

export interface EveningSection {
  sectionId: string;
  /** The campus date `weeks` weeks from today (negative: before), a day the section meets. */
  week(weeks: number): string;
  /** Moves the sessions of these dates (and their check-ins) to end at `endsAt`. */
  endSessions(dates: string[], endsAt: Date): Promise<void>;
  /** A check-in for the whole of the session on that date. */
  attend(studentId: string, date: string): Promise<void>;
  /** What the SIS holds for a student in the section, by date. */
  sisRecords(studentId: string): { date: string; attended: number; absent: number }[];
  sisLastDateAttended(studentId: string): string | undefined;
  /** Records of the section the SIS rejected in its calls from the `from`th on. */
  sisRejections(from: number): unknown[];
}

/** A session's record as the SIS holds it, for a student absent or present throughout. */
export const absent = (date: string) => ({ date, attended: 0, absent: MINUTES });
export const present = (date: string) => ({ date, attended: MINUTES, absent: 0 });

/**
 * Adds the section with these students, each registered on the date given. Called close to
 * midnight, it first waits for the next day: the section's session today must not end during the
 * test.
 */
export async function addEveningSection(
  env: TestEnvironment,
  sectionId: string,
  enrollments: (weeks: (n: number) => string) => { studentId: string; registeredOn: string }[],
): Promise<EveningSection> {
  const zone = env.config.timeZone;
  const local = DateTime.now().setZone(zone);
  if (local.hour === 23 && local.minute >= 50) {
    await sleep(local.plus({ days: 1 }).startOf('day').plus({ seconds: 5 }).diff(local).toMillis());
  }
  const today = DateTime.now().setZone(zone).startOf('day');
  const week = (n: number) => today.plus({ weeks: n }).toISODate()!;
  const dataset = env.simulator.getDataset();
  const template = dataset.sections.find(
    (s) =>
      s.status === 'Active' &&
      s.deliveryMethod.id === '1' &&
      s.startDate! <= week(0) &&
      s.endDate! >= week(0),
  );
  if (!template) throw new Error('the dataset has no in-person section running today to copy');
  env.simulator.mutate({
    op: 'addSection',
    section: {
      ...template,
      scheduledCourseId: sectionId,
      sectionCode: `EVE${sectionId.slice(-3)}`,
      startDate: week(-3),
      endDate: week(3),
      minutesPerDay: MINUTES,
    },
    schedule: [
      {
        scheduleId: SCHEDULE_ID,
        dayOfWeek: today.weekday % 7,
        startTime: '23:09',
        endTime: '23:59',
        minutes: MINUTES,
      },
    ],
    enrollments: enrollments(week).map(({ studentId, registeredOn }, index) => ({
      enrollmentId: `${sectionId}-E${index}`,
      studentId,
      status: 'Registered' as const,
      statusDate: registeredOn,
    })),
  });

  const sessionKey = (date: string) => `${sectionId}:${SCHEDULE_ID}:${date}`;
  return {
    sectionId,
    week,
    async endSessions(dates, endsAt) {
      for (const date of dates) {
        const session = await env.db
          .selectFrom('class_sessions')
          .select('ends_at')
          .where('school_id', '=', env.config.schoolId)
          .where('sis_key', '=', sessionKey(date))
          .executeTakeFirstOrThrow();
        const shift = sql`${endsAt.getTime() - session.ends_at!.getTime()} * interval '1 millisecond'`;
        await env.db
          .updateTable('class_sessions')
          .set({ starts_at: sql`starts_at + ${shift}`, ends_at: endsAt })
          .where('school_id', '=', env.config.schoolId)
          .where('sis_key', '=', sessionKey(date))
          .execute();
        // Its check-ins move with it: the student was there all the same.
        await env.db
          .updateTable('check_ins')
          .set({
            checked_in_at: sql`checked_in_at + ${shift}`,
            checked_out_at: sql`checked_out_at + ${shift}`,
          })
          .where('school_id', '=', env.config.schoolId)
          .where('session_sis_key', '=', sessionKey(date))
          .execute();
      }
      await env.db
        .updateTable('attendance_course_state')
        .set({ next_close_at: new Date() })
        .where('school_id', '=', env.config.schoolId)
        .where('course_sis_key', '=', sectionId)
        .execute();
    },
    async attend(studentId, date) {
      const session = await env.db
        .selectFrom('class_sessions')
        .select(['starts_at', 'ends_at'])
        .where('school_id', '=', env.config.schoolId)
        .where('sis_key', '=', sessionKey(date))
        .executeTakeFirstOrThrow();
      await insertCheckIns(env.db, env.config.schoolId, [
        {
          session_sis_key: sessionKey(date),
          course_sis_key: sectionId,
          student_sis_id: studentId,
          checked_in_at: session.starts_at!,
          checked_out_at: session.ends_at!,
        },
      ]);
    },
    sisRecords: (studentId) =>
      env.simulator
        .getAttendance()
        .records.filter((r) => r.scheduledCourseId === sectionId && r.studentId === studentId)
        .map((r) => ({ date: r.date, attended: r.attendedMinutes, absent: r.absentMinutes }))
        .sort((a, b) => a.date.localeCompare(b.date)),
    sisLastDateAttended: (studentId) =>
      env.simulator
        .getAttendance()
        .lastDatesAttended.find((l) => l.scheduledCourseId === sectionId && l.studentId === studentId)
        ?.lastDateAttended,
    sisRejections: (from) =>
      env.simulator
        .getCalls()
        .slice(from)
        .flatMap((call) => call.records)
        .filter((r) => r.scheduledCourseId === sectionId && r.status !== 'Accepted'),
  };
}
