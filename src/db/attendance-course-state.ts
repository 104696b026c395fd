/**
 * Which courses a posting run must compute (schema/0005): those never posted, those with a change
 * row (the triggers add one whenever an input of the course's attendance is written), those with a
 * session closed since, and all of them when the school's rules changed. The rest are skipped
 * unread: a no-change run computes nothing.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { SchoolConfig } from '../config/school-config';
import type { Database } from './database';

export interface CourseToPost {
  sisKey: string;
  /** The change rows read before the course's inputs: deleted once it is posted, later ones stay. */
  changeIds: string[];
}

export interface ComputedCourseState extends CourseToPost {
  nextCloseAt: Date | null;
}

/**
 * Bumped when the code's minutes rules change meaning, so a deploy recomputes every course as a
 * change of the school's configuration does.
 */
const MINUTES_RULES_REVISION = 1;

/** What the records depend on besides a course's rows: the rules, the zone and the posting options. */
export function minutesRulesHash(config: SchoolConfig): string {
  return createHash('sha256')
    .update(
      JSON.stringify([MINUTES_RULES_REVISION, config.timeZone, config.attendanceMethods, config.posting]),
    )
    .digest('hex');
}

/** Marks a course that still has records the SIS did not answer: due again next run. */
const UNSETTLED = 'unsettled';

/** The active courses after the cursor that need computing, in key order. */
export async function coursesToPost(
  db: Kysely<Database>,
  schoolId: string,
  options: { afterCourse: string | null; rulesHash: string; now: Date },
): Promise<CourseToPost[]> {
  const rows = await db
    .selectFrom('courses as c')
    .leftJoin('attendance_course_state as s', (join) =>
      join.onRef('s.school_id', '=', 'c.school_id').onRef('s.course_sis_key', '=', 'c.sis_key'),
    )
    // One aggregate per course: NULL when the course has no change rows.
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('attendance_input_changes as ch')
          .select(sql<string[] | null>`array_agg(ch.id)`.as('ids'))
          .whereRef('ch.school_id', '=', 'c.school_id')
          .whereRef('ch.course_sis_key', '=', 'c.sis_key')
          .as('changes'),
      (join) => join.onTrue(),
    )
    .select(['c.sis_key', 'changes.ids'])
    .where('c.school_id', '=', schoolId)
    .where('c.active', '=', true)
    .$if(options.afterCourse !== null, (query) => query.where('c.sis_key', '>', options.afterCourse!))
    .where((eb) =>
      eb.or([
        eb('s.course_sis_key', 'is', null),
        eb('s.rules_hash', '<>', options.rulesHash),
        eb('s.next_close_at', '<=', options.now),
        eb('changes.ids', 'is not', null),
      ]),
    )
    .orderBy('c.sis_key')
    .execute();
  return rows.map((row) => ({ sisKey: row.sis_key, changeIds: row.ids ?? [] }));
}

/**
 * Records what these courses were computed from, in one transaction: their state (settled with the
 * rules hash, or unsettled when a record awaits the SIS's answer), then the removal of the change
 * rows read before computing them. Either way their LDAs are due: the accepted records count.
 */
export async function settleCourses(
  db: Kysely<Database>,
  schoolId: string,
  syncRunId: string,
  rulesHash: string,
  courses: (ComputedCourseState & { settled: boolean })[],
): Promise<void> {
  if (courses.length === 0) return;
  // One array per column: a course a row of parameters would hit PostgreSQL's 65,535 beyond ~9,000 courses.
  const column = <T>(pick: (course: (typeof courses)[number]) => T) => courses.map(pick);
  await db.transaction().execute(async (trx) => {
    await sql`
      INSERT INTO attendance_course_state (school_id, course_sis_key, next_close_at, rules_hash, lda_pending,
        sync_run_id)
      SELECT ${schoolId}, c.course_sis_key, c.next_close_at, c.rules_hash, true, ${syncRunId}::bigint
      FROM unnest(
        ${column((c) => c.sisKey)}::text[],
        ${column((c) => c.nextCloseAt?.toISOString() ?? null)}::timestamptz[],
        ${column((c) => (c.settled ? rulesHash : UNSETTLED))}::text[]
      ) AS c (course_sis_key, next_close_at, rules_hash)
      ON CONFLICT (school_id, course_sis_key) DO UPDATE SET
        next_close_at = excluded.next_close_at,
        rules_hash = excluded.rules_hash,
        lda_pending = true,
        sync_run_id = excluded.sync_run_id,
        computed_at = now()
    `.execute(trx);
    const seen = courses.filter((course) => course.settled).flatMap((course) => course.changeIds);
    if (seen.length > 0) {
      await trx
        .deleteFrom('attendance_input_changes')
        .where('id', '=', sql<string>`ANY(${seen}::bigint[])`)
        .execute();
    }
  });
}

/** Courses whose records were posted and whose LDAs were not yet, as of now. */
export async function coursesWithPendingLastDates(
  db: Kysely<Database>,
  schoolId: string,
): Promise<{ courseKeys: string[]; readAt: Date }> {
  const rows = await db
    .selectFrom('attendance_course_state')
    .select(['course_sis_key', sql<Date>`now()`.as('read_at')])
    .where('school_id', '=', schoolId)
    .where('lda_pending', '=', true)
    .orderBy('course_sis_key')
    .execute();
  return { courseKeys: rows.map((row) => row.course_sis_key), readAt: rows[0]?.read_at ?? new Date() };
}

/** Clears the flags read at `readAt`; a course settled again since keeps its flag. */
export async function clearPendingLastDates(
  db: Kysely<Database>,
  schoolId: string,
  courseKeys: string[],
  readAt: Date,
): Promise<void> {
  if (courseKeys.length === 0) return;
  await db
    .updateTable('attendance_course_state')
    .set({ lda_pending: false })
    .where('school_id', '=', schoolId)
    .where('course_sis_key', '=', sql<string>`ANY(${courseKeys}::text[])`)
    .where('computed_at', '<=', readAt)
    .execute();
}
