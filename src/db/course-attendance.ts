/**
 * A course's attendance as CourseKey computes it: reads the closed sessions, active students,
 * check-ins, instructor edits and makeup minutes of some courses and applies the minutes rules
 * (src/coursekey/attendance-minutes.ts). Shared by the posting activities and the API's read.
 */
import { sql, type Kysely } from 'kysely';
import type { SchoolConfig } from '../config/school-config';
import {
  combineSameDay,
  makeupAttendance,
  sessionClosesAt,
  sessionAttendance,
  type MinutesRule,
  type SessionAttendance,
} from '../coursekey/attendance-minutes';
import type { Database } from './database';

export interface ComputedRecord extends SessionAttendance {
  courseKey: string;
  studentId: string;
}

const STUDENT_KEY_PREFIX = 'student:';

function methodRule(config: SchoolConfig, methodName: string): MinutesRule | undefined {
  return config.attendanceMethods[methodName];
}

export interface CoursesAttendance {
  records: ComputedRecord[];
  /** Per course, when its next session closes (after `now`); absent when none is left open. */
  nextCloseAt: Map<string, Date>;
}

export async function computeCourseAttendance(
  db: Kysely<Database>,
  config: SchoolConfig,
  courseKeys: string[],
  now: Date,
): Promise<CoursesAttendance> {
  const nextCloseAt = new Map<string, Date>();
  if (courseKeys.length === 0) return { records: [], nextCloseAt };
  const schoolId = config.schoolId;
  const inCourses = sql<string>`ANY(${courseKeys}::text[])`;
  const [courses, sessions, members, checkIns, edits, makeups] = await Promise.all([
    db
      .selectFrom('courses')
      .select(['sis_key', 'attendance_method'])
      .where('school_id', '=', schoolId)
      .where('sis_key', '=', inCourses)
      .execute(),
    db
      .selectFrom('class_sessions')
      .select(['sis_key', 'course_sis_key', 'session_date', 'kind', 'starts_at', 'ends_at', 'minutes'])
      .where('school_id', '=', schoolId)
      .where('course_sis_key', '=', inCourses)
      .execute(),
    db
      .selectFrom('course_members')
      .select(['course_sis_key', 'user_sis_key'])
      .where('school_id', '=', schoolId)
      .where('course_sis_key', '=', inCourses)
      .where('role', '=', 'student')
      .where('active', '=', true)
      .execute(),
    db
      .selectFrom('check_ins')
      .select(['session_sis_key', 'student_sis_id', 'checked_in_at', 'checked_out_at'])
      .where('school_id', '=', schoolId)
      .where('course_sis_key', '=', inCourses)
      .execute(),
    db
      .selectFrom('attendance_edits')
      .select(['session_sis_key', 'student_sis_id', 'attended_minutes'])
      .where('school_id', '=', schoolId)
      .where('course_sis_key', '=', inCourses)
      .execute(),
    db
      .selectFrom('makeup_minutes')
      .select(['course_sis_key', 'student_sis_id', 'makeup_date', 'minutes'])
      .where('school_id', '=', schoolId)
      .where('course_sis_key', '=', inCourses)
      .execute(),
  ]);

  const rules = new Map(
    courses.map((course) => [course.sis_key, methodRule(config, course.attendance_method)]),
  );
  const studentsOf = new Map<string, string[]>();
  for (const member of members) {
    if (!member.user_sis_key.startsWith(STUDENT_KEY_PREFIX)) continue;
    const list = studentsOf.get(member.course_sis_key) ?? [];
    list.push(member.user_sis_key.slice(STUDENT_KEY_PREFIX.length));
    studentsOf.set(member.course_sis_key, list);
  }
  const presence = new Map(
    checkIns.map((row) => [
      `${row.session_sis_key}\u0000${row.student_sis_id}`,
      { checkedInAt: row.checked_in_at, checkedOutAt: row.checked_out_at },
    ]),
  );
  const edited = new Map(
    edits.map((row) => [`${row.session_sis_key}\u0000${row.student_sis_id}`, row.attended_minutes]),
  );

  const records: ComputedRecord[] = [];
  for (const row of sessions) {
    const rule = rules.get(row.course_sis_key);
    if (!rule) continue;
    const session = {
      kind: row.kind,
      date: row.session_date,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      minutes: row.minutes,
    };
    const closesAt = sessionClosesAt(session, config.timeZone);
    if (closesAt > now) {
      const next = nextCloseAt.get(row.course_sis_key);
      if (!next || closesAt < next) nextCloseAt.set(row.course_sis_key, closesAt);
      continue;
    }
    for (const studentId of studentsOf.get(row.course_sis_key) ?? []) {
      const key = `${row.sis_key}\u0000${studentId}`;
      const attendance = sessionAttendance(session, rule, presence.get(key), edited.get(key));
      records.push({ courseKey: row.course_sis_key, studentId, ...attendance });
    }
  }
  for (const makeup of makeups) {
    records.push({
      courseKey: makeup.course_sis_key,
      studentId: makeup.student_sis_id,
      ...makeupAttendance(makeup.makeup_date, makeup.minutes),
    });
  }
  const combined = combineSameDay(
    records.map((record) => ({ ...record, key: `${record.courseKey}\u0000${record.studentId}` })),
  );
  return { records: combined.map(({ key: _key, ...record }) => record), nextCloseAt };
}
