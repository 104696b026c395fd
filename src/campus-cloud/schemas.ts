/**
 * The Campus Cloud Student API contract (docs/campus-cloud-api.md) as zod schemas.
 * Tolerant where a real SIS varies (unknown fields are stripped, documented optional fields may be
 * missing or null), strict where wrong data would do harm (ids, dates, times, minutes).
 * The client validates every response with these; the simulator serves exactly these shapes.
 */
import { z } from 'zod';

const id = z.union([z.string().min(1), z.number().int()]).transform(String);
const optional = <T extends z.ZodType>(schema: T) =>
  schema
    .nullish()
    .transform((value) => value ?? undefined)
    .optional();

export const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a YYYY-MM-DD date');
export const localTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected an HH:mm time');
export const minutes = z.number().int().min(0).max(100_000);
const timestamp = z.string().min(10);

export const authResponse = z.object({ token: z.string().min(1), expiresIn: z.number().positive() });

/** Envelope of every list endpoint. Items are validated one by one so one bad record is quarantined. */
export const pageEnvelope = z.object({
  data: z.array(z.unknown()),
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1),
  totalCount: z.number().int().min(0),
});
export type PageEnvelope = z.infer<typeof pageEnvelope>;

export const term = z.object({
  termId: id,
  code: z.string(),
  name: z.string(),
  startDate: localDate,
  endDate: localDate,
});

export const termSession = z.object({
  sessionId: id,
  termId: id,
  name: z.string(),
  startDate: localDate,
  endDate: localDate,
});

export const termScheduleEntry = z.object({
  scheduledCourseId: id,
  courseId: id,
  sessionId: optional(id),
  sectionCode: z.string(),
  modifiedAt: timestamp,
});

export const deliveryMethod = z.object({ id, name: z.string() });

export const section = z.object({
  scheduledCourseId: id,
  courseId: id,
  campusId: id,
  termId: id,
  sessionId: optional(id),
  sectionCode: z.string().min(1),
  title: z.string(),
  deliveryMethod,
  startDate: optional(localDate),
  endDate: optional(localDate),
  minutesPerDay: optional(minutes),
  courseHours: optional(z.object({ syncMinutes: minutes, asyncMinutes: minutes })),
  lmsCode: optional(z.string()),
  instructorIds: z.array(id).default([]),
  status: z.enum(['Active', 'Cancelled']),
  modifiedAt: timestamp,
});

export const course = z.object({
  courseId: id,
  code: z.string(),
  name: z.string(),
  credits: optional(z.number()),
  clockHours: optional(z.number()),
});

const email = optional(z.string());

export const user = z.object({
  userId: id,
  firstName: z.string(),
  lastName: z.string(),
  email,
  roles: z.array(z.string()).default([]),
  active: z.boolean(),
  modifiedAt: optional(timestamp),
});

export const instructor = z.object({
  instructorId: id,
  userId: id,
  firstName: z.string(),
  lastName: z.string(),
  email,
  active: z.boolean(),
  modifiedAt: optional(timestamp),
});

export const student = z.object({
  studentId: id,
  studentNumber: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email,
  status: z.string(),
  modifiedAt: optional(timestamp),
});

export const enrollmentStatus = z.enum(['Registered', 'Dropped', 'Withdrawn', 'Completed']);
export const enrollment = z.object({
  enrollmentId: id,
  studentId: id,
  status: enrollmentStatus,
  statusDate: optional(localDate),
  modifiedAt: optional(timestamp),
});

export const scheduleEntry = z.object({
  scheduleId: id,
  dayOfWeek: z.number().int().min(0).max(6),
  startTime: optional(localTime),
  endTime: optional(localTime),
  minutes,
  effectiveFrom: optional(localDate),
  effectiveTo: optional(localDate),
});
export const scheduleResponse = z.object({ data: z.array(z.unknown()) });

export const attendanceType = z.enum(['Regular', 'Async', 'Makeup']);
export const attendanceRecord = z.object({
  externalId: z.string().min(1),
  scheduledCourseId: z.string().min(1),
  studentId: z.string().min(1),
  date: localDate,
  attendedMinutes: minutes,
  absentMinutes: minutes,
  type: attendanceType,
});
export const lastDateAttended = z.object({
  scheduledCourseId: z.string().min(1),
  studentId: z.string().min(1),
  lastDateAttended: localDate,
});
export const postAttendanceRequest = z.object({
  records: z.array(attendanceRecord).max(500),
  lastDatesAttended: z.array(lastDateAttended).default([]),
});
export const postAttendanceResponse = z.object({
  results: z.array(
    z.object({
      externalId: z.string(),
      status: z.enum(['Accepted', 'Rejected']),
      attendanceId: optional(z.string()),
      message: optional(z.string()),
    }),
  ),
});

export const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

export type Term = z.infer<typeof term>;
export type TermSession = z.infer<typeof termSession>;
export type TermScheduleEntry = z.infer<typeof termScheduleEntry>;
export type Section = z.infer<typeof section>;
export type Course = z.infer<typeof course>;
export type User = z.infer<typeof user>;
export type Instructor = z.infer<typeof instructor>;
export type Student = z.infer<typeof student>;
export type Enrollment = z.infer<typeof enrollment>;
export type EnrollmentStatus = z.infer<typeof enrollmentStatus>;
export type ScheduleEntry = z.infer<typeof scheduleEntry>;
export type AttendanceRecord = z.infer<typeof attendanceRecord>;
export type LastDateAttended = z.infer<typeof lastDateAttended>;
export type PostAttendanceRequest = z.infer<typeof postAttendanceRequest>;
export type PostAttendanceResponse = z.infer<typeof postAttendanceResponse>;
export type DeliveryMethod = z.infer<typeof deliveryMethod>;
