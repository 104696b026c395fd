/** The roster facts the attendance API checks input against, always within one school. */
import type { Kysely } from 'kysely';
import { parseSchoolConfig } from '../config/load-school-config';
import type { SchoolConfig } from '../config/school-config';
import { coversDate } from '../coursekey/enrollment-dates';
import type { Database } from '../db/database';
import { ApiError } from './api-error';

export async function schoolConfig(db: Kysely<Database>, schoolId: string): Promise<SchoolConfig> {
  const school = await db
    .selectFrom('schools')
    .select('config')
    .where('id', '=', schoolId)
    .executeTakeFirst();
  if (!school) throw new ApiError(404, 'not-found', `School ${schoolId} is not enabled.`);
  return parseSchoolConfig(school.config, `stored configuration of school ${schoolId}`);
}

export async function findSession(db: Kysely<Database>, schoolId: string, sessionId: string) {
  const session = await db
    .selectFrom('class_sessions')
    .innerJoin('courses', (join) =>
      join
        .onRef('courses.sis_key', '=', 'class_sessions.course_sis_key')
        .onRef('courses.school_id', '=', 'class_sessions.school_id'),
    )
    .select([
      'class_sessions.course_sis_key',
      'class_sessions.session_date',
      'class_sessions.kind',
      'class_sessions.starts_at',
      'class_sessions.ends_at',
      'class_sessions.minutes',
      'courses.attendance_method',
    ])
    .where('class_sessions.school_id', '=', schoolId)
    .where('class_sessions.sis_key', '=', sessionId)
    .executeTakeFirst();
  if (!session)
    throw new ApiError(404, 'not-found', `No class session ${sessionId} in this school.`, 'sessionId');
  return session;
}

export async function findCourse(
  db: Kysely<Database>,
  schoolId: string,
  courseId: string,
  field = 'courseId',
) {
  const course = await db
    .selectFrom('courses')
    .select(['sis_key', 'start_date', 'end_date'])
    .where('school_id', '=', schoolId)
    .where('sis_key', '=', courseId)
    .executeTakeFirst();
  if (!course) throw new ApiError(404, 'not-found', `No course ${courseId} in this school.`, field);
  return course;
}

/**
 * A student must have been enrolled in the course on the date to have attendance recorded for it:
 * a dropped or withdrawn student up to the enrollment's status date, a late add from registration
 * on (src/coursekey/enrollment-dates.ts).
 */
export async function requireEnrolledOn(
  db: Kysely<Database>,
  schoolId: string,
  courseId: string,
  studentId: string,
  date: string,
) {
  const member = await db
    .selectFrom('course_members')
    .select(['active', 'enrolled_from', 'enrolled_until'])
    .where('school_id', '=', schoolId)
    .where('course_sis_key', '=', courseId)
    .where('user_sis_key', '=', `student:${studentId}`)
    .where('role', '=', 'student')
    .executeTakeFirst();
  const membership = member && {
    active: member.active,
    enrolledFrom: member.enrolled_from,
    enrolledUntil: member.enrolled_until,
  };
  if (!membership || !coversDate(membership, date)) {
    const from = `enrolled from ${membership?.enrolledFrom ?? "the course's start"}`;
    const range = !membership
      ? ''
      : membership.active
        ? ` (${from})`
        : membership.enrolledUntil
          ? ` (${from} until ${membership.enrolledUntil})`
          : ' (no longer enrolled)';
    throw new ApiError(
      422,
      'not-enrolled',
      `Student ${studentId} was not enrolled in course ${courseId} on ${date}${range}.`,
      'studentId',
    );
  }
}
