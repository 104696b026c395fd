import type { Kysely } from 'kysely';
import type { Database } from '../db/database';

/**
 * The active sections a run synced, in a stable order, so meetings and enrollments can be fetched
 * in numbered batches that run in parallel and retry independently.
 */
export async function sectionBatch(
  db: Kysely<Database>,
  input: { schoolId: string; syncRunId: string; batch: number; batchSize: number },
) {
  return db
    .selectFrom('sync_seen')
    .innerJoin('courses', (join) =>
      join.onRef('courses.sis_key', '=', 'sync_seen.sis_key').on('courses.school_id', '=', input.schoolId),
    )
    .select(['courses.sis_key', 'courses.start_date', 'courses.end_date', 'courses.instructor_sis_ids'])
    .where('sync_seen.sync_run_id', '=', input.syncRunId)
    .where('sync_seen.record_type', '=', 'courses')
    .where('courses.active', '=', true)
    .orderBy('courses.sis_key')
    .offset(input.batch * input.batchSize)
    .limit(input.batchSize)
    .execute();
}

export async function countSyncedSections(
  db: Kysely<Database>,
  input: { schoolId: string; syncRunId: string },
) {
  const row = await db
    .selectFrom('sync_seen')
    .innerJoin('courses', (join) =>
      join.onRef('courses.sis_key', '=', 'sync_seen.sis_key').on('courses.school_id', '=', input.schoolId),
    )
    .select(({ fn }) => fn.countAll<string>().as('count'))
    .where('sync_seen.sync_run_id', '=', input.syncRunId)
    .where('sync_seen.record_type', '=', 'courses')
    .where('courses.active', '=', true)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
