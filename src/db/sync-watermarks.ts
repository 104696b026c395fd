/**
 * Incremental runs: per school, the watermark an incremental run reads from (the SIS's clock when
 * the last completed run started, minus a margin) and when the last full reconciliation was.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, SyncMode } from './database';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Taken off the SIS's clock before it becomes a watermark: a change the SIS stamps a little before
 * it is visible (a long transaction), or a clock read a little late, is still read again.
 */
export const WATERMARK_MARGIN_MS = 10 * 60_000;

export interface RunScope {
  mode: SyncMode;
  /** For an incremental run: read what changed at or after this instant (ISO 8601). */
  modifiedSince?: string;
}

/**
 * A full run when there is no watermark yet, when one was asked for (`sync-now --full`), when the
 * configuration changed since the last full run (a new mapping must see every section), when the
 * last completed run holds deactivations no one approved (the next run judges them again on
 * complete listings), or when the last full run is `fullEveryMs` old; otherwise an incremental run
 * from the watermark.
 */
export async function scopeOfNextRun(
  db: Db,
  schoolId: string,
  options: { configHash: string; fullEveryMs: number; fullAsked: boolean; now: Date },
): Promise<RunScope> {
  const watermark = await db
    .selectFrom('sync_watermarks')
    .selectAll()
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
  const lastRun = await db
    .selectFrom('sync_runs')
    .select('held_deactivations')
    .where('school_id', '=', schoolId)
    .where('kind', '=', 'sync')
    .where('status', '=', 'completed')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const full =
    !watermark ||
    lastRun?.held_deactivations != null ||
    options.fullAsked ||
    watermark.full_requested_at !== null ||
    watermark.config_hash !== options.configHash ||
    options.now.getTime() - watermark.last_full_at.getTime() >= options.fullEveryMs;
  return full
    ? { mode: 'full' }
    : { mode: 'incremental', modifiedSince: watermark.modified_since.toISOString() };
}

/** The SIS's clock as an answer of this run showed it; the run keeps the earliest. */
export async function recordSisClock(
  db: Db,
  syncRunId: string,
  serverTime: string | undefined,
): Promise<void> {
  if (!serverTime) return;
  await db
    .updateTable('sync_runs')
    .set({ sis_clock_at: sql<Date>`LEAST(sis_clock_at, ${serverTime}::timestamptz)` })
    .where('id', '=', syncRunId)
    .execute();
}

/**
 * After a completed run: the next incremental run reads what changed since this one started
 * reading (the SIS's clock, else the database's, minus the margin); a full run also restarts the
 * reconciliation clock and settles the requests for a full run made before it started.
 */
export async function advanceWatermark(trx: Db, syncRunId: string, configHash: string): Promise<void> {
  const run = await trx
    .selectFrom('sync_runs')
    .select(['school_id', 'mode', 'started_at', 'sis_clock_at'])
    .where('id', '=', syncRunId)
    .executeTakeFirstOrThrow();
  if (!run.mode) return;
  const modifiedSince = new Date((run.sis_clock_at ?? run.started_at).getTime() - WATERMARK_MARGIN_MS);
  if (run.mode === 'full') {
    await trx
      .insertInto('sync_watermarks')
      .values({
        school_id: run.school_id,
        modified_since: modifiedSince,
        last_full_at: run.started_at,
        config_hash: configHash,
      })
      .onConflict((conflict) =>
        conflict.column('school_id').doUpdateSet({
          modified_since: modifiedSince,
          last_full_at: run.started_at,
          config_hash: configHash,
          full_requested_at: sql`CASE WHEN sync_watermarks.full_requested_at <= ${run.started_at}
            THEN NULL ELSE sync_watermarks.full_requested_at END`,
          updated_at: sql`now()`,
        }),
      )
      .execute();
    return;
  }
  await trx
    .updateTable('sync_watermarks')
    .set({ modified_since: modifiedSince, updated_at: sql`now()` })
    .where('school_id', '=', run.school_id)
    .execute();
}

/** `sync-now --full`: the school's next run reads everything. False when it has no watermark yet (it will anyway). */
export async function requestFullSync(db: Db, schoolId: string): Promise<boolean> {
  const result = await db
    .updateTable('sync_watermarks')
    .set({ full_requested_at: sql`now()`, updated_at: sql`now()` })
    .where('school_id', '=', schoolId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
