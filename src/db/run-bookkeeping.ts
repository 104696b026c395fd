/** What a sync run remembers beside the roster rows: per-batch counts, the SIS keys it saw, issues. */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, RecordType, Severity } from './database';
import type { WriteOutcome } from './write-changed-rows';

type Db = Kysely<Database> | Transaction<Database>;

export interface BatchCounts {
  fetched: number;
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  failed: number;
}

export const emptyCounts = (): BatchCounts => ({
  fetched: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  deactivated: 0,
  failed: 0,
});

export function addOutcome(counts: BatchCounts, outcome: Omit<WriteOutcome, 'writtenKeys'>): BatchCounts {
  counts.created += outcome.created;
  counts.updated += outcome.updated;
  counts.unchanged += outcome.unchanged;
  counts.deactivated += outcome.deactivated;
  return counts;
}

/** Keeps the counts of the first committed attempt of a batch; a retry of the same batch adds nothing. */
export async function recordBatchCounts(
  db: Db,
  syncRunId: string,
  recordType: RecordType,
  batchKey: string,
  counts: BatchCounts,
): Promise<void> {
  await db
    .insertInto('sync_run_counts')
    .values({ sync_run_id: syncRunId, record_type: recordType, batch_key: batchKey, ...counts })
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

export interface IssueInput {
  recordType: RecordType;
  sisKey: string;
  rule: string;
  severity: Severity;
  message: string;
  details?: Record<string, unknown>;
}

/** One open issue per (school, record type, SIS key, rule); seeing it again refreshes it. */
export async function recordIssues(
  db: Db,
  schoolId: string,
  syncRunId: string,
  issues: IssueInput[],
): Promise<void> {
  // One statement may not touch the same row twice: keep the last word on each key.
  const unique = [
    ...new Map(issues.map((issue) => [`${issue.recordType}|${issue.sisKey}|${issue.rule}`, issue])).values(),
  ];
  if (unique.length === 0) return;
  await db
    .insertInto('sync_issues')
    .values(
      unique.map((issue) => ({
        school_id: schoolId,
        record_type: issue.recordType,
        sis_key: issue.sisKey,
        rule: issue.rule,
        severity: issue.severity,
        message: issue.message,
        details: JSON.stringify(issue.details ?? {}),
        last_sync_run_id: syncRunId,
      })),
    )
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
