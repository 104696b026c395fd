/** What a run has done so far, for retried activities to go on from (schema/0011). */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './database';

type Db = Kysely<Database> | Transaction<Database>;

/** How many parts of `work`, cut from the items hashed `itemsHash`, the run has committed. */
export async function partsDone(db: Db, syncRunId: string, work: string, itemsHash: string): Promise<number> {
  const row = await db
    .selectFrom('sync_parts_done')
    .select('parts')
    .where('sync_run_id', '=', syncRunId)
    .where('work', '=', work)
    .where('items_hash', '=', itemsHash)
    .executeTakeFirst();
  return row?.parts ?? 0;
}

/** Call in the part's own transaction, so the mark commits with the part's writes or not at all. */
export async function recordPartsDone(
  trx: Transaction<Database>,
  syncRunId: string,
  work: string,
  itemsHash: string,
  parts: number,
): Promise<void> {
  await trx
    .insertInto('sync_parts_done')
    .values({ sync_run_id: syncRunId, work, items_hash: itemsHash, parts })
    .onConflict((conflict) =>
      conflict.columns(['sync_run_id', 'work']).doUpdateSet({ items_hash: itemsHash, parts }),
    )
    .execute();
}

/** The catalog courses among `courseIds` the run has already fetched, as the SIS answered them. */
export async function catalogCoursesFetched(
  db: Db,
  syncRunId: string,
  courseIds: string[],
): Promise<Map<string, unknown>> {
  if (courseIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('sync_catalog_courses')
    .select(['course_id', 'course'])
    .where('sync_run_id', '=', syncRunId)
    .where('course_id', 'in', courseIds)
    .execute();
  return new Map(rows.map((row) => [row.course_id, row.course]));
}

export async function recordCatalogCoursesFetched(
  db: Db,
  syncRunId: string,
  courses: { courseId: string }[],
): Promise<void> {
  if (courses.length === 0) return;
  await db
    .insertInto('sync_catalog_courses')
    .values(
      courses.map((course) => ({
        sync_run_id: syncRunId,
        course_id: course.courseId,
        course: JSON.stringify(course),
      })),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
}

/** The run has ended: its progress is of no further use. */
export async function forgetRunProgress(trx: Transaction<Database>, syncRunId: string): Promise<void> {
  await trx.deleteFrom('sync_parts_done').where('sync_run_id', '=', syncRunId).execute();
  await trx.deleteFrom('sync_catalog_courses').where('sync_run_id', '=', syncRunId).execute();
}
