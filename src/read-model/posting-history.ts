/**
 * Posting history: per real run, what it posted to the SIS (schema/0013's counts, kept as the
 * answers are filed, so a later run re-posting a record does not erase an earlier run's count).
 */
import type { Kysely } from 'kysely';
import type { Database, RunStatus } from '../db/database';

export interface PostingRun {
  syncRunId: string;
  workflowId: string;
  status: RunStatus;
  startedAt: string;
  finishedAt: string | null;
  sent: number;
  accepted: number;
  rejected: number;
  lastDates: number;
}

export async function postingHistory(
  db: Kysely<Database>,
  schoolId: string,
  limit: number,
): Promise<PostingRun[]> {
  const rows = await db
    .selectFrom('sync_runs as r')
    .leftJoin('attendance_posting_counts as p', 'p.sync_run_id', 'r.id')
    .select([
      'r.id',
      'r.workflow_id',
      'r.status',
      'r.started_at',
      'r.finished_at',
      'p.sent',
      'p.accepted',
      'p.rejected',
      'p.last_dates',
    ])
    .where('r.school_id', '=', schoolId)
    .where('r.kind', '=', 'sync')
    .orderBy('r.started_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    syncRunId: row.id,
    workflowId: row.workflow_id,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    sent: row.sent ?? 0,
    accepted: row.accepted ?? 0,
    rejected: row.rejected ?? 0,
    lastDates: row.last_dates ?? 0,
  }));
}
