/** What a sync run remembers beside the roster rows: per-batch counts, the SIS keys it saw, issues. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, Severity } from './database';
import { recordTypes, type RecordType } from '../coursekey/record-types';
import type { SkipCounts, SkipReason } from '../coursekey/skip-reasons';
import type { WriteOutcome } from './write-changed-rows';

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Every record fetched lands in one of created, updated, unchanged, failed or skipped (with its
 * reason). `deactivated` stands apart: rows the run made inactive, whether the SIS listed them as
 * inactive (also counted as updated) or no longer listed them (not fetched).
 */
export interface BatchCounts<T extends RecordType = RecordType> {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  failed: number;
  skipped: number;
  skippedBy: SkipCounts<T>;
}

/** A run's counts per record type, summed over its batches. */
export type RunCounts = { [T in RecordType]: BatchCounts<T> };

export const emptyCounts = <T extends RecordType = RecordType>(): BatchCounts<T> => ({
  fetched: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  deactivated: 0,
  failed: 0,
  skipped: 0,
  skippedBy: {},
});

/** A listed record the SIS now marks inactive is an update of it, deactivated now or at the run's end. */
export function addOutcome<T extends RecordType>(
  counts: BatchCounts<T>,
  outcome: WriteOutcome,
): BatchCounts<T> {
  counts.created += outcome.created;
  counts.updated += outcome.updated + outcome.deactivated + outcome.deferred;
  counts.unchanged += outcome.unchanged;
  counts.deactivated += outcome.deactivated;
  return counts;
}

export function addSkipped<T extends RecordType>(counts: BatchCounts<T>, reason: SkipReason<T>, n = 1): void {
  if (n === 0) return;
  counts.skipped += n;
  counts.skippedBy[reason] = (counts.skippedBy[reason] ?? 0) + n;
}

/** Keeps the counts of the first committed attempt of a batch; a retry of the same batch adds nothing. */
export async function recordBatchCounts<T extends RecordType>(
  db: Db,
  syncRunId: string,
  recordType: T,
  batchKey: string,
  counts: BatchCounts<T>,
): Promise<void> {
  const { skippedBy, ...columns } = counts;
  await db
    .insertInto('sync_run_counts')
    .values({
      sync_run_id: syncRunId,
      record_type: recordType,
      batch_key: batchKey,
      ...columns,
      skipped_by: JSON.stringify(skippedBy),
    })
    .onConflict((conflict) => conflict.doNothing())
    .execute();
}

/**
 * Seen-marker of a listing that had a record without a usable id: which record it was is unknown,
 * so nothing of that type may be taken as vanished in this run.
 */
export const INCOMPLETE_LISTING = '!incomplete';

/** Quarantined records still count as present in the SIS: a bad record is not a deleted one. */
export function quarantinedKeys(
  rejected: { sisId: string | undefined }[],
  toKey: (id: string) => string,
): string[] {
  return rejected.map((bad) => (bad.sisId === undefined ? INCOMPLETE_LISTING : toKey(bad.sisId)));
}

export async function markSeen(
  db: Db,
  syncRunId: string,
  recordType: RecordType,
  keys: string[],
): Promise<void> {
  if (keys.length === 0) return;
  await sql`
    INSERT INTO sync_seen (sync_run_id, record_type, sis_key)
    SELECT ${syncRunId}::bigint, ${recordType}, key FROM unnest(${keys}::text[]) AS key
    ON CONFLICT DO NOTHING
  `.execute(db);
}

/** Seen, with the fields later steps of the run need (a dry run has no stored row to read them from). */
export async function markSeenWithPayload(
  db: Db,
  syncRunId: string,
  recordType: RecordType,
  records: { sis_key: string }[],
): Promise<void> {
  if (records.length === 0) return;
  await db
    .insertInto('sync_seen')
    .values(
      records.map((record) => ({
        sync_run_id: syncRunId,
        record_type: recordType,
        sis_key: record.sis_key,
        payload: JSON.stringify(record),
      })),
    )
    .onConflict((conflict) =>
      conflict
        .columns(['sync_run_id', 'record_type', 'sis_key'])
        .doUpdateSet({ payload: sql.ref('excluded.payload') }),
    )
    .execute();
}

export interface IssueInput {
  recordType: RecordType;
  sisKey: string;
  rule: string;
  severity: Severity;
  message: string;
  details?: Record<string, unknown>;
}

export interface RunTarget {
  schoolId: string;
  syncRunId: string;
  dryRun: boolean;
}

/**
 * One open issue per (school, record type, SIS key, rule); seeing it again refreshes it. A dry run
 * keeps its findings apart, so it never opens an issue on a school's dashboard.
 */
export async function recordIssues(db: Db, run: RunTarget, issues: IssueInput[]): Promise<void> {
  // One statement may not touch the same row twice: keep the last word on each key.
  const unique = [
    ...new Map(issues.map((issue) => [`${issue.recordType}|${issue.sisKey}|${issue.rule}`, issue])).values(),
  ];
  if (unique.length === 0) return;
  const rows = unique.map((issue) => ({
    record_type: issue.recordType,
    sis_key: issue.sisKey,
    rule: issue.rule,
    severity: issue.severity,
    message: issue.message,
    details: JSON.stringify(issue.details ?? {}),
  }));
  if (run.dryRun) {
    await db
      .insertInto('dry_run_findings')
      .values(rows.map((row) => ({ ...row, sync_run_id: run.syncRunId })))
      .onConflict((conflict) => conflict.doNothing())
      .execute();
    return;
  }
  await db
    .insertInto('sync_issues')
    .values(rows.map((row) => ({ ...row, school_id: run.schoolId, last_sync_run_id: run.syncRunId })))
    .onConflict((conflict) =>
      conflict.columns(['school_id', 'record_type', 'sis_key', 'rule']).doUpdateSet({
        severity: sql.ref('excluded.severity'),
        message: sql.ref('excluded.message'),
        details: sql.ref('excluded.details'),
        last_seen_at: sql`now()`,
        last_sync_run_id: sql.ref('excluded.last_sync_run_id'),
        resolved_at: null,
      }),
    )
    .execute();
}

/** An issue a successful run did not find again has been fixed in the SIS (or left the window). */
export async function resolveIssuesNotSeenIn(db: Db, schoolId: string, syncRunId: string): Promise<number> {
  const resolved = await db
    .updateTable('sync_issues')
    .set({ resolved_at: sql`now()` })
    .where('school_id', '=', schoolId)
    .where('resolved_at', 'is', null)
    .where((eb) => eb.or([eb('last_sync_run_id', 'is', null), eb('last_sync_run_id', '!=', syncRunId)]))
    .executeTakeFirst();
  return Number(resolved.numUpdatedRows);
}

/**
 * Marks a record an incremental run listed but did not read again (its SIS `modifiedAt` is before
 * the watermark): present in the SIS, so not vanished, but nothing of it was checked this run.
 */
export const UNMODIFIED = { unmodified: true } as const;

/**
 * What an incremental run may resolve: the open issues of the records it read again (a user by its
 * key; a section's own, its meetings' and its members' issues by the section key before the first
 * ':') that it did not find again. The others wait for a full run.
 */
export async function resolveIssuesOfRecordsRead(
  db: Db,
  schoolId: string,
  syncRunId: string,
): Promise<number> {
  const resolved = await sql`
    UPDATE sync_issues i SET resolved_at = now()
    WHERE i.school_id = ${schoolId} AND i.resolved_at IS NULL
      AND (i.last_sync_run_id IS NULL OR i.last_sync_run_id != ${syncRunId})
      AND EXISTS (
        SELECT 1 FROM sync_seen s
        WHERE s.sync_run_id = ${syncRunId}
          AND (s.payload IS NULL OR NOT s.payload ? 'unmodified')
          AND ((i.record_type = 'users' AND s.record_type = 'users' AND s.sis_key = i.sis_key)
            OR (i.record_type IN ('courses', 'course_members', 'class_sessions') AND s.record_type = 'courses'
              AND s.sis_key = split_part(i.sis_key, ':', 1))))
  `.execute(db);
  return Number(resolved.numAffectedRows ?? 0);
}

export async function runCounts(db: Kysely<Database>, syncRunId: string): Promise<RunCounts> {
  const [rows, reasons] = await Promise.all([
    db
      .selectFrom('sync_run_counts')
      .select(({ fn }) => [
        'record_type',
        fn.sum<string>('fetched').as('fetched'),
        fn.sum<string>('created').as('created'),
        fn.sum<string>('updated').as('updated'),
        fn.sum<string>('unchanged').as('unchanged'),
        fn.sum<string>('deactivated').as('deactivated'),
        fn.sum<string>('failed').as('failed'),
        fn.sum<string>('skipped').as('skipped'),
      ])
      .where('sync_run_id', '=', syncRunId)
      .groupBy('record_type')
      .execute(),
    sql<{ record_type: RecordType; reason: SkipReason; n: string }>`
      SELECT c.record_type, r.key AS reason, sum(r.value::int) AS n
      FROM sync_run_counts c, jsonb_each_text(c.skipped_by) r
      WHERE c.sync_run_id = ${syncRunId}
      GROUP BY c.record_type, r.key
      ORDER BY c.record_type, r.key
    `
      .execute(db)
      .then((result) => result.rows),
  ]);
  const counts = Object.fromEntries(recordTypes.map((type) => [type, emptyCounts()])) as RunCounts;
  for (const row of rows) {
    counts[row.record_type] = {
      fetched: Number(row.fetched),
      created: Number(row.created),
      updated: Number(row.updated),
      unchanged: Number(row.unchanged),
      deactivated: Number(row.deactivated),
      failed: Number(row.failed),
      skipped: Number(row.skipped),
      skippedBy: {},
    };
  }
  for (const row of reasons) {
    (counts[row.record_type].skippedBy as SkipCounts)[row.reason] = Number(row.n);
  }
  return counts;
}
