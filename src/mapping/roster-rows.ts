/**
 * SIS records -> CourseKey roster rows. Pure functions: each row carries its SIS key and a content
 * hash of exactly the fields synced, so an unchanged SIS record never causes a write.
 */
import type {
  Course,
  DeliveryMethod,
  Enrollment,
  Instructor,
  Section,
  Student,
  User,
} from '../campus-cloud/schemas';
import { contentHash } from './content-hash';
import type {
  CatalogCoursesTable,
  ClassSessionsTable,
  CourseMembersTable,
  CoursesTable,
  InstructorsTable,
  UsersTable,
} from '../db/database';
import type { Insertable, Selectable } from 'kysely';
import type { PlannedSession } from '../coursekey/class-sessions';
import type { MappedMethod } from '../coursekey/delivery-methods';
import type { EnrollmentDates } from '../coursekey/enrollment-dates';

type Row<T> = Insertable<T> & { sis_key: string; content_hash: string };

function hashed<T extends Record<string, unknown>>(fields: T): T & { content_hash: string } {
  return { ...fields, content_hash: contentHash(Object.values(fields)) };
}

export const studentKey = (studentId: string) => `student:${studentId}`;
export const userKey = (userId: string) => `user:${userId}`;

/** Students are active unless the SIS marks them otherwise (Graduated, Withdrawn, Inactive...). */
const activeStudentStatuses = new Set([
  'active',
  'enrolled',
  'attending',
  'future start',
  'leave of absence',
]);
/** Registered and Completed students stay members; dropped and withdrawn ones become inactive. */
const activeEnrollmentStatuses = new Set(['Registered', 'Completed']);
export const isActiveEnrollment = (enrollment: Enrollment) => activeEnrollmentStatuses.has(enrollment.status);

export function catalogCourseRow(schoolId: string, course: Course): Row<CatalogCoursesTable> {
  return {
    school_id: schoolId,
    sis_key: course.courseId,
    ...hashed({
      code: course.code,
      name: course.name,
      credits: course.credits ?? null,
      clock_hours: course.clockHours ?? null,
    }),
  };
}

/**
 * `deliveryMethod` differs from the section's only when a change in the SIS is held back for review,
 * or when the SIS renamed the method and the mapping still knows it by the name the course has.
 */
export function courseRow(
  schoolId: string,
  section: Section,
  mapped: MappedMethod,
  deliveryMethod: DeliveryMethod = section.deliveryMethod,
): Row<CoursesTable> & { active: boolean } {
  return {
    school_id: schoolId,
    sis_key: section.scheduledCourseId,
    ...hashed({
      catalog_sis_key: section.courseId,
      term_sis_id: section.termId,
      session_sis_id: section.sessionId ?? null,
      section_code: section.sectionCode,
      title: section.title,
      delivery_method_id: deliveryMethod.id,
      delivery_method_name: deliveryMethod.name,
      attendance_method: mapped.name,
      modality: mapped.method.modality,
      start_date: section.startDate ?? null,
      end_date: section.endDate ?? null,
      minutes_per_day: section.minutesPerDay ?? null,
      sync_minutes: section.courseHours?.syncMinutes ?? null,
      async_minutes: section.courseHours?.asyncMinutes ?? null,
      lms_code: section.lmsCode ?? null,
      instructor_sis_ids: [...section.instructorIds].sort(),
      sis_status: section.status,
      active: section.status === 'Active',
    }),
  };
}

export function studentRow(schoolId: string, student: Student): Row<UsersTable> & { active: boolean } {
  return {
    school_id: schoolId,
    sis_key: studentKey(student.studentId),
    ...hashed({
      sis_kind: 'student' as const,
      sis_id: student.studentId,
      student_number: student.studentNumber,
      first_name: student.firstName,
      last_name: student.lastName,
      email: student.email?.trim() || null,
      roles: ['Student'],
      sis_status: student.status,
      active: activeStudentStatuses.has(student.status.toLowerCase()),
    }),
  };
}

export function userRow(schoolId: string, user: User): Row<UsersTable> & { active: boolean } {
  return {
    school_id: schoolId,
    sis_key: userKey(user.userId),
    ...hashed({
      sis_kind: 'user' as const,
      sis_id: user.userId,
      student_number: null,
      first_name: user.firstName,
      last_name: user.lastName,
      email: user.email?.trim() || null,
      roles: [...user.roles].sort(),
      sis_status: user.active ? 'Active' : 'Inactive',
      active: user.active,
    }),
  };
}

export function instructorRow(
  schoolId: string,
  instructor: Instructor,
): Row<InstructorsTable> & { active: boolean } {
  return {
    school_id: schoolId,
    sis_key: instructor.instructorId,
    ...hashed({ user_sis_id: instructor.userId, active: instructor.active }),
  };
}

export const memberKey = (courseKey: string, role: 'student' | 'instructor', userSisKey: string) =>
  `${courseKey}:${role}:${userSisKey}`;

/**
 * The membership's dates are not hashed: they follow from the status and status date (hashed) and
 * what is stored, so they change only with them.
 */
const datesColumns = (dates: EnrollmentDates) => ({
  enrolled_from: dates.enrolledFrom,
  enrolled_until: dates.enrolledUntil,
});

/** An enrollment of a student the SIS does not know (`studentFound` false) is never an active member. */
export function studentMemberRow(
  schoolId: string,
  courseKey: string,
  enrollment: Enrollment,
  dates: EnrollmentDates,
  studentFound = true,
): Row<CourseMembersTable> & { active: boolean } {
  const user = studentKey(enrollment.studentId);
  return {
    school_id: schoolId,
    sis_key: memberKey(courseKey, 'student', user),
    ...hashed({
      course_sis_key: courseKey,
      user_sis_key: user,
      role: 'student' as const,
      sis_enrollment_id: enrollment.enrollmentId,
      sis_status: studentFound ? enrollment.status : 'Student not found in SIS',
      status_date: enrollment.statusDate ?? null,
      active: studentFound && isActiveEnrollment(enrollment),
    }),
    ...datesColumns(dates),
  };
}

export function instructorMemberRow(
  schoolId: string,
  courseKey: string,
  instructorUserKey: string,
  active: boolean,
): Row<CourseMembersTable> & { active: boolean } {
  return {
    school_id: schoolId,
    sis_key: memberKey(courseKey, 'instructor', instructorUserKey),
    ...hashed({
      course_sis_key: courseKey,
      user_sis_key: instructorUserKey,
      role: 'instructor' as const,
      sis_enrollment_id: null,
      sis_status: active ? 'Assigned' : 'Unassigned',
      status_date: null,
      active,
    }),
    ...datesColumns({ enrolledFrom: null, enrolledUntil: null }),
  };
}

/**
 * A membership the SIS no longer lists: kept, inactive, so attendance history stays attached. It
 * covers the dates up to `today`, when the sync saw it gone.
 */
export function vanishedMemberRow(
  member: Selectable<CourseMembersTable>,
  today: string,
): Row<CourseMembersTable> & { active: boolean } {
  return {
    school_id: member.school_id,
    sis_key: member.sis_key,
    ...hashed({
      course_sis_key: member.course_sis_key,
      user_sis_key: member.user_sis_key,
      role: member.role,
      sis_enrollment_id: member.sis_enrollment_id,
      sis_status: 'Not listed by SIS',
      status_date: member.status_date,
      active: false,
    }),
    ...datesColumns({
      enrolledFrom: member.enrolled_from,
      enrolledUntil: member.role === 'student' ? (member.enrolled_until ?? today) : null,
    }),
  };
}

export function classSessionRow(
  schoolId: string,
  courseKey: string,
  session: PlannedSession,
): Row<ClassSessionsTable> {
  return {
    school_id: schoolId,
    sis_key: `${courseKey}:${session.scheduleId}:${session.date}`,
    ...hashed({
      course_sis_key: courseKey,
      sis_schedule_id: session.scheduleId,
      session_date: session.date,
      kind: session.kind,
      starts_at: session.startsAt,
      ends_at: session.endsAt,
      minutes: session.minutes,
    }),
  };
}
