/** What the CourseKey API accepts for attendance, validated with zod (unknown fields refused). */
import { z } from 'zod';

const id = z.string().trim().min(1, 'required').max(200);
const instant = z.iso.datetime({
  offset: true,
  message: 'an ISO 8601 timestamp with offset, e.g. 2026-10-06T09:02:00-04:00',
});
const person = z.string().trim().min(1, 'required').max(200);

export const schoolParams = z.object({ schoolId: id });
export const courseParams = z.object({ schoolId: id, courseId: id });

export const checkInBody = z.strictObject({ sessionId: id, studentId: id, checkedInAt: instant });
export const checkOutBody = z.strictObject({ sessionId: id, studentId: id, checkedOutAt: instant });

export const attendanceEditBody = z.strictObject({
  sessionId: id,
  studentId: id,
  attendedMinutes: z.number().int('a whole number of minutes').min(0).max(1440),
  editedBy: person,
  reason: z.string().max(500).optional(),
});

const day = z.iso.date('a date as YYYY-MM-DD');

export const makeupBody = z.strictObject({
  courseId: id,
  studentId: id,
  date: day,
  minutes: z.number().int('a whole number of minutes').min(1).max(1440),
  enteredBy: person,
  note: z.string().max(500).optional(),
});

/** Which makeup entry to remove (query parameters). */
export const makeupKey = z.strictObject({ courseId: id, studentId: id, date: day });
