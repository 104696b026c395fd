import { computeCourseAttendance } from '../../src/db/course-attendance';
import type { TestEnvironment } from './environment';

/** The attendance CourseKey posts as of `asOf` for every active course, keyed as the SIS keys it. */
export async function computedAttendance(env: TestEnvironment, asOf: Date) {
  const courses = await env.db
    .selectFrom('courses')
    .select('sis_key')
    .where('school_id', '=', env.config.schoolId)
    .where('active', '=', true)
    .execute();
  const { records } = await computeCourseAttendance(
    env.db,
    env.config,
    courses.map((course) => course.sis_key),
    asOf,
    { forPosting: true },
  );
  return records.map((r) => ({
    studentId: r.studentId,
    scheduledCourseId: r.courseKey,
    date: r.date,
    type: r.type,
    scheduledMinutes: r.scheduled,
    attendedMinutes: r.attended,
    absentMinutes: r.absent,
  }));
}
