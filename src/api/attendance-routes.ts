/**
 * CourseKey API v1, attendance: check-ins and check-outs, instructor edits within the method's edit
 * window, makeup minutes entered (corrected, removed) by an admin, and a course's attendance as
 * computed with what the SIS answered. Attendance is recorded only for the dates a student was
 * enrolled. Every route is scoped to the school of the caller's API key.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { editWindowClosesAt, lastDateAttended } from '../coursekey/attendance-minutes';
import { makeupDateProblem } from '../coursekey/makeup-date';
import { campusToday } from '../coursekey/sync-window';
import { computeCourseAttendance } from '../db/course-attendance';
import type { Database } from '../db/database';
import { ApiError, parseInput } from './api-error';
import { requireSchool } from './api-key-auth';
import {
  attendanceEditBody,
  checkInBody,
  checkOutBody,
  courseParams,
  makeupBody,
  makeupKey,
  schoolParams,
} from './attendance-input';
import { findCourse, findSession, requireEnrolledOn, schoolConfig } from './attendance-lookups';

/** The school of the route, once the key is known to belong to it; undefined after a 403. */
function routeSchool(request: FastifyRequest, reply: FastifyReply): string | undefined {
  const { schoolId } = parseInput(schoolParams, request.params);
  return requireSchool(request, reply, schoolId) ? schoolId : undefined;
}

export function registerAttendanceRoutes(app: FastifyInstance, db: Kysely<Database>) {
  app.post('/schools/:schoolId/check-ins', async (request, reply) => {
    const schoolId = routeSchool(request, reply);
    if (!schoolId) return reply;
    const body = parseInput(checkInBody, request.body);
    const session = await findSession(db, schoolId, body.sessionId);
    await requireEnrolledOn(db, schoolId, session.course_sis_key, body.studentId, session.session_date);
    await db
      .insertInto('check_ins')
      .values({
        school_id: schoolId,
        session_sis_key: body.sessionId,
        course_sis_key: session.course_sis_key,
        student_sis_id: body.studentId,
        checked_in_at: new Date(body.checkedInAt),
      })
      .onConflict((conflict) =>
        conflict
          .columns(['school_id', 'session_sis_key', 'student_sis_id'])
          .doUpdateSet({ checked_in_at: new Date(body.checkedInAt), updated_at: new Date() }),
      )
      .execute();
    return reply
      .code(201)
      .send({ sessionId: body.sessionId, studentId: body.studentId, checkedInAt: body.checkedInAt });
  });

  app.post('/schools/:schoolId/check-outs', async (request, reply) => {
    const schoolId = routeSchool(request, reply);
    if (!schoolId) return reply;
    const body = parseInput(checkOutBody, request.body);
    await findSession(db, schoolId, body.sessionId);
    const checkIn = await db
      .selectFrom('check_ins')
      .select('checked_in_at')
      .where('school_id', '=', schoolId)
      .where('session_sis_key', '=', body.sessionId)
      .where('student_sis_id', '=', body.studentId)
      .executeTakeFirst();
    if (!checkIn)
      throw new ApiError(409, 'no-check-in', 'Record the check-in before the check-out.', 'studentId');
    const checkedOutAt = new Date(body.checkedOutAt);
    if (checkedOutAt <= checkIn.checked_in_at) {
      throw new ApiError(400, 'invalid-input', 'checkedOutAt: must be after the check-in.', 'checkedOutAt');
    }
    await db
      .updateTable('check_ins')
      .set({ checked_out_at: checkedOutAt, updated_at: new Date() })
      .where('school_id', '=', schoolId)
      .where('session_sis_key', '=', body.sessionId)
      .where('student_sis_id', '=', body.studentId)
      .execute();
    return { sessionId: body.sessionId, studentId: body.studentId, checkedOutAt: body.checkedOutAt };
  });

  app.put('/schools/:schoolId/attendance-edits', async (request, reply) => {
    const schoolId = routeSchool(request, reply);
    if (!schoolId) return reply;
    const body = parseInput(attendanceEditBody, request.body);
    const config = await schoolConfig(db, schoolId);
    const session = await findSession(db, schoolId, body.sessionId);
    await requireEnrolledOn(db, schoolId, session.course_sis_key, body.studentId, session.session_date);
    if (body.attendedMinutes > session.minutes) {
      throw new ApiError(
        400,
        'invalid-input',
        `attendedMinutes: at most the ${session.minutes} scheduled minutes.`,
        'attendedMinutes',
      );
    }
    const method = config.attendanceMethods[session.attendance_method];
    const closesAt = editWindowClosesAt(
      {
        kind: session.kind,
        date: session.session_date,
        startsAt: session.starts_at,
        endsAt: session.ends_at,
        minutes: session.minutes,
      },
      method?.instructorEditWindowDays ?? 0,
      config.timeZone,
    );
    if (Date.now() > closesAt.getTime()) {
      throw new ApiError(
        409,
        'edit-window-closed',
        `The instructor edit window of this session closed at ${closesAt.toISOString()}.`,
      );
    }
    const edit = {
      attended_minutes: body.attendedMinutes,
      edited_by: body.editedBy,
      reason: body.reason ?? null,
      edited_at: new Date(),
    };
    await db
      .insertInto('attendance_edits')
      .values({
        school_id: schoolId,
        session_sis_key: body.sessionId,
        course_sis_key: session.course_sis_key,
        student_sis_id: body.studentId,
        ...edit,
      })
      .onConflict((conflict) =>
        conflict.columns(['school_id', 'session_sis_key', 'student_sis_id']).doUpdateSet(edit),
      )
      .execute();
    return { sessionId: body.sessionId, studentId: body.studentId, attendedMinutes: body.attendedMinutes };
  });

  app.post('/schools/:schoolId/makeup-minutes', async (request, reply) => {
    const schoolId = routeSchool(request, reply);
    if (!schoolId) return reply;
    const body = parseInput(makeupBody, request.body);
    const [config, course] = await Promise.all([
      schoolConfig(db, schoolId),
      findCourse(db, schoolId, body.courseId),
    ]);
    const problem = makeupDateProblem(body.date, {
      courseId: body.courseId,
      courseStart: course.start_date,
      courseEnd: course.end_date,
      postingStart: config.posting.startDate,
      today: campusToday(config),
    });
    if (problem) throw new ApiError(400, 'invalid-input', `date: ${problem}`, 'date');
    await requireEnrolledOn(db, schoolId, body.courseId, body.studentId, body.date);
    // The same course, student and date again replaces the minutes: that is how an entry is corrected.
    const makeup = {
      minutes: body.minutes,
      entered_by: body.enteredBy,
      note: body.note ?? null,
      entered_at: new Date(),
    };
    await db
      .insertInto('makeup_minutes')
      .values({
        school_id: schoolId,
        course_sis_key: body.courseId,
        student_sis_id: body.studentId,
        makeup_date: body.date,
        ...makeup,
      })
      .onConflict((conflict) =>
        conflict
          .columns(['school_id', 'course_sis_key', 'student_sis_id', 'makeup_date'])
          .doUpdateSet(makeup),
      )
      .execute();
    return reply
      .code(201)
      .send({ courseId: body.courseId, studentId: body.studentId, date: body.date, minutes: body.minutes });
  });

  // Removes a wrong entry; posting then sets the SIS's makeup record of that day to 0 minutes.
  app.delete('/schools/:schoolId/makeup-minutes', async (request, reply) => {
    const schoolId = routeSchool(request, reply);
    if (!schoolId) return reply;
    const key = parseInput(makeupKey, request.query);
    const removed = await db
      .deleteFrom('makeup_minutes')
      .where('school_id', '=', schoolId)
      .where('course_sis_key', '=', key.courseId)
      .where('student_sis_id', '=', key.studentId)
      .where('makeup_date', '=', key.date)
      .returning('minutes')
      .executeTakeFirst();
    if (!removed) {
      throw new ApiError(
        404,
        'not-found',
        `No makeup minutes of student ${key.studentId} in course ${key.courseId} on ${key.date}.`,
      );
    }
    return { ...key, removedMinutes: removed.minutes };
  });

  app.get('/schools/:schoolId/courses/:courseId/attendance', async (request, reply) => {
    const schoolId = routeSchool(request, reply);
    if (!schoolId) return reply;
    const { courseId } = parseInput(courseParams, request.params);
    await findCourse(db, schoolId, courseId);
    const config = await schoolConfig(db, schoolId);
    const [records, ledger] = await Promise.all([
      computeCourseAttendance(db, config, [courseId], new Date(), { forPosting: false }).then(
        (computed) => computed.records,
      ),
      db
        .selectFrom('attendance_ledger')
        .select([
          'student_sis_id',
          'attendance_date',
          'type',
          'attended_minutes',
          'absent_minutes',
          'status',
          'sis_message',
          'posted_at',
        ])
        .where('school_id', '=', schoolId)
        .where('course_sis_key', '=', courseId)
        .execute(),
    ]);
    const answers = new Map(
      ledger.map((row) => [`${row.student_sis_id}|${row.attendance_date}|${row.type}`, row]),
    );
    const byStudent = new Map<string, typeof records>();
    for (const record of records)
      byStudent.set(record.studentId, [...(byStudent.get(record.studentId) ?? []), record]);
    return {
      courseId,
      records: records.map((record) => {
        const sis = answers.get(`${record.studentId}|${record.date}|${record.type}`);
        return {
          studentId: record.studentId,
          date: record.date,
          type: record.type,
          scheduledMinutes: record.scheduled,
          attendedMinutes: record.attended,
          absentMinutes: record.absent,
          sis: sis
            ? {
                status: sis.status,
                message: sis.sis_message,
                postedAt: sis.posted_at.toISOString(),
                current: sis.attended_minutes === record.attended && sis.absent_minutes === record.absent,
              }
            : null,
        };
      }),
      lastDatesAttended: [...byStudent].flatMap(([studentId, list]) => {
        const last = lastDateAttended(list);
        return last ? [{ studentId, lastDateAttended: last }] : [];
      }),
    };
  });
}
