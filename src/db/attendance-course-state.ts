/**
 * Which courses a posting run must compute (schema/0005): those never posted, those whose inputs
 * changed since (the triggers move attendance_inputs.version), those with a session closed since,
 * and all of them when the school's minutes rules changed. The rest are skipped unread: a no-change
 * run computes nothing.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { SchoolConfig } from '../config/school-config';
import type { Database } from './database';

export interface CourseToPost {
  sisKey: string;
  /** The inputs version read before the course's inputs: a later change leaves the course due. */
  inputsVersion: string | null;
}

export interface SettledCourse extends CourseToPost {
  nextCloseAt: Date | null;
}

/** What the records depend on besides a course's rows: the school's zone, method rules and posting options. */
export function minutesRulesHash(config: SchoolConfig): string {
  return createHash('sha256')
    .update(JSON.stringify([config.timeZone, config.attendanceMethods, config.posting]))
    .digest('hex');
}

/** The active courses after the cursor that need computing, in key order. */
export async function coursesToPost(
  db: Kysely<Database>,
  schoolId: string,
  options: { afterCourse: string | null; rulesHash: string; now: Date },
): Promise<CourseToPost[]> {
  const rows = await db
    .selectFrom('courses as c')
    .leftJoin('attendance_inputs as i', (join) =>
      join.onRef('i.school_id', '=', 'c.school_id').onRef('i.course_sis_key', '=', 'c.sis_key'),
    )
    .leftJoin('attendance_course_state as s', (join) =>
      join.onRef('s.school_id', '=', 'c.school_id').onRef('s.course_sis_key', '=', 'c.sis_key'),
    )
    .select(['c.sis_key', 'i.version'])
    .where('c.school_id', '=', schoolId)
    .where('c.active', '=', true)
    .$if(options.afterCourse !== null, (query) => query.where('c.sis_key', '>', options.afterCourse!))
    .where((eb) =>
      eb.or([
        eb('s.course_sis_key', 'is', null),
        eb('s.rules_hash', '<>', options.rulesHash),
        eb('s.next_close_at', '<=', options.now),
        sql<boolean>`s.inputs_version IS DISTINCT FROM i.version`,
      ]),
    )
    .orderBy('c.sis_key')
    .execute();
  return rows.map((row) => ({ sisKey: row.sis_key, inputsVersion: row.version }));
}

/** Records that these courses' attendance is in the ledger as computed; their LDAs come next. */
export async function settleCourses(
  db: Kysely<Database>,
  schoolId: string,
  syncRunId: string,
  rulesHash: string,
  courses: SettledCourse[],
): Promise<void> {
  if (courses.length === 0) return;
  await db
    .insertInto('attendance_course_state')
    .values(
      courses.map((course) => ({
        school_id: schoolId,
        course_sis_key: course.sisKey,
        inputs_version: course.inputsVersion,
        next_close_at: course.nextCloseAt,
        rules_hash: rulesHash,
        lda_pending: true,
        sync_run_id: syncRunId,
      })),
    )
    .onConflict((conflict) =>
      conflict.columns(['school_id', 'course_sis_key']).doUpdateSet({
        inputs_version: sql.ref('excluded.inputs_version'),
        next_close_at: sql.ref('excluded.next_close_at'),
        rules_hash: sql.ref('excluded.rules_hash'),
        lda_pending: true,
        sync_run_id: sql.ref('excluded.sync_run_id'),
        computed_at: sql`now()`,
      }),
    )
    .execute();
}

/** Courses whose records were posted and whose LDAs were not yet. */
export async function coursesWithPendingLastDates(db: Kysely<Database>, schoolId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('attendance_course_state')
    .select('course_sis_key')
    .where('school_id', '=', schoolId)
    .where('lda_pending', '=', true)
    .orderBy('course_sis_key')
    .execute();
  return rows.map((row) => row.course_sis_key);
}

export async function clearPendingLastDates(
  db: Kysely<Database>,
  schoolId: string,
  courseKeys: string[],
): Promise<void> {
  if (courseKeys.length === 0) return;
  await db
    .updateTable('attendance_course_state')
    .set({ lda_pending: false })
    .where('school_id', '=', schoolId)
    .where('course_sis_key', '=', sql<string>`ANY(${courseKeys}::text[])`)
    .execute();
}
