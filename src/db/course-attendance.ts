/**
 * A course's attendance as CourseKey computes it: reads the closed sessions, the students enrolled
 * on their dates (src/coursekey/enrollment-dates.ts), check-ins, instructor edits and makeup
 * minutes of some courses and applies the minutes rules (src/coursekey/attendance-minutes.ts).
 * Shared by the posting activities and the API's read.
 */
import { sql, type Kysely } from 'kysely';
import type { AttendanceMethod, SchoolConfig } from '../config/school-config';
import {
  combineSameDay,
  editWindowClosesAt,
  makeupAttendance,
  sessionClosesAt,
  sessionAttendance,
  type SessionAttendance,
  type SessionForMinutes,
} from '../coursekey/attendance-minutes';
import { coversDate, type EnrollmentDates } from '../coursekey/enrollment-dates';
import type { Database } from './database';

export interface ComputedRecord extends SessionAttendance {
  courseKey: string;
  studentId: string;
}

const STUDENT_KEY_PREFIX = 'student:';

function methodRule(config: SchoolConfig, methodName: string): AttendanceMethod | undefined {
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
  /** For posting, the school's posting options apply (start date, after the edit window). */
  options: { forPosting: boolean },
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
    // Dropped and withdrawn students too: they are posted for the dates their enrollment covered.
    db
      .selectFrom('course_members')
      .select(['course_sis_key', 'user_sis_key', 'active', 'enrolled_from', 'enrolled_until'])
      .where('school_id', '=', schoolId)
      .where('course_sis_key', '=', inCourses)
      .where('role', '=', 'student')
      .where((eb) => eb.or([eb('active', '=', true), eb('enrolled_until', 'is not', null)]))
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
  const studentsOf = new Map<string, (EnrollmentDates & { id: string; active: boolean })[]>();
  for (const member of members) {
    if (!member.user_sis_key.startsWith(STUDENT_KEY_PREFIX)) continue;
    const list = studentsOf.get(member.course_sis_key) ?? [];
    list.push({
      id: member.user_sis_key.slice(STUDENT_KEY_PREFIX.length),
      active: member.active,
      enrolledFrom: member.enrolled_from,
      enrolledUntil: member.enrolled_until,
    });
    studentsOf.set(member.course_sis_key, list);
  }
  // Per session, per student: nested maps, no key strings built per (session, student) pair.
  const presence = bySessionAndStudent(checkIns, (row) => ({
    checkedInAt: row.checked_in_at,
    checkedOutAt: row.checked_out_at,
  }));
  const edited = bySessionAndStudent(edits, (row) => row.attended_minutes);

  // Closed sessions of a course on one date and of one kind make one record per student.
  const groups = new Map<
    string,
    { courseKey: string; sessions: (SessionForMinutes & { sisKey: string })[] }
  >();
  const { startDate, afterEditWindow } = options.forPosting ? config.posting : {};
  for (const row of sessions) {
    const rule = rules.get(row.course_sis_key);
    if (!rule || (startDate && row.session_date < startDate)) continue;
    const session = {
      sisKey: row.sis_key,
      kind: row.kind,
      date: row.session_date,
      startsAt: row.starts_at,
      endsAt: row.ends_at,
      minutes: row.minutes,
    };
    const closesAt = afterEditWindow
      ? editWindowClosesAt(session, rule.instructorEditWindowDays, config.timeZone)
      : sessionClosesAt(session, config.timeZone);
    if (closesAt > now) {
      const next = nextCloseAt.get(row.course_sis_key);
      if (!next || closesAt < next) nextCloseAt.set(row.course_sis_key, closesAt);
      continue;
    }
    const groupKey = `${row.course_sis_key}\u0000${row.session_date}\u0000${row.kind}`;
    const group = groups.get(groupKey);
    if (group) group.sessions.push(session);
    else groups.set(groupKey, { courseKey: row.course_sis_key, sessions: [session] });
  }

  const records: ComputedRecord[] = [];
  for (const { courseKey, sessions: sameDay } of groups.values()) {
    const rule = rules.get(courseKey)!;
    const date = sameDay[0]!.date;
    for (const student of studentsOf.get(courseKey) ?? []) {
      if (!coversDate(student, date)) continue;
      const studentId = student.id;
      const each = sameDay.map((session) =>
        sessionAttendance(
          session,
          rule,
          presence.get(session.sisKey)?.get(studentId),
          edited.get(session.sisKey)?.get(studentId),
        ),
      );
      const attendance = each.length === 1 ? each[0]! : combineSameDay(each);
      records.push({
        courseKey,
        studentId,
        type: attendance.type,
        date: attendance.date,
        scheduled: attendance.scheduled,
        attended: attendance.attended,
        absent: attendance.absent,
      });
    }
  }
  for (const makeup of makeups) {
    if (startDate && makeup.makeup_date < startDate) continue;
    records.push({
      courseKey: makeup.course_sis_key,
      studentId: makeup.student_sis_id,
      ...makeupAttendance(makeup.makeup_date, makeup.minutes),
    });
  }
  return { records, nextCloseAt };
}

function bySessionAndStudent<R extends { session_sis_key: string; student_sis_id: string }, V>(
  rows: R[],
  value: (row: R) => V,
): Map<string, Map<string, V>> {
  const bySession = new Map<string, Map<string, V>>();
  for (const row of rows) {
    let students = bySession.get(row.session_sis_key);
    if (!students) bySession.set(row.session_sis_key, (students = new Map()));
    students.set(row.student_sis_id, value(row));
  }
  return bySession;
}
