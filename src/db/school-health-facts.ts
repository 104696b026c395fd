/**
 * What a school's health is judged on (src/coursekey/school-health.ts), for every enabled school
 * or a few: its last completed run, the failed runs since, a run holding deactivations for
 * approval, its latest run and its open blocking issues. Real runs only: a dry run changes nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, RunStatus } from './database';

export interface SchoolHealthFacts {
  schoolId: string;
  name: string;
  enabledAt: Date;
  lastSuccessAt: Date | null;
  consecutiveFailures: number;
  /** The running run that holds deactivations for approval, with what it holds. */
  waiting: { syncRunId: string; held: Record<string, number> } | null;
  latestRun: { syncRunId: string; workflowId: string; status: RunStatus; startedAt: Date } | null;
  openBlockingIssues: number;
}

interface FactsRow {
  id: string;
  name: string;
  created_at: Date;
  last_success_at: Date | null;
  consecutive_failures: string;
  waiting_run_id: string | null;
  waiting_held: Record<string, number> | null;
  latest_run_id: string | null;
  latest_workflow_id: string | null;
  latest_status: RunStatus | null;
  latest_started_at: Date | null;
  open_blocking: string;
}

export async function schoolHealthFacts(
  db: Kysely<Database>,
  schoolIds?: readonly string[],
): Promise<SchoolHealthFacts[]> {
  const only = schoolIds ? sql`WHERE s.id IN (${sql.join(schoolIds.length ? schoolIds : [null])})` : sql``;
  const { rows } = await sql<FactsRow>`
    SELECT s.id, s.name, s.created_at,
      ok.finished_at AS last_success_at,
      (SELECT count(*) FROM sync_runs f WHERE f.school_id = s.id AND f.kind = 'sync' AND f.status = 'failed'
         AND f.started_at > coalesce(ok.started_at, '-infinity')) AS consecutive_failures,
      waiting.id AS waiting_run_id, waiting.held_deactivations AS waiting_held,
      latest.id AS latest_run_id, latest.workflow_id AS latest_workflow_id,
      latest.status AS latest_status, latest.started_at AS latest_started_at,
      (SELECT count(*) FROM sync_issues i WHERE i.school_id = s.id AND i.severity = 'blocking'
         AND i.resolved_at IS NULL) AS open_blocking
    FROM schools s
    LEFT JOIN LATERAL (SELECT started_at, finished_at FROM sync_runs r WHERE r.school_id = s.id AND r.kind = 'sync'
      AND r.status = 'completed' ORDER BY r.started_at DESC LIMIT 1) ok ON true
    LEFT JOIN LATERAL (SELECT id, held_deactivations FROM sync_runs r WHERE r.school_id = s.id AND r.kind = 'sync'
      AND r.status = 'running' AND r.held_deactivations IS NOT NULL ORDER BY r.started_at DESC LIMIT 1) waiting ON true
    LEFT JOIN LATERAL (SELECT id, workflow_id, status, started_at FROM sync_runs r
      WHERE r.school_id = s.id AND r.kind = 'sync' ORDER BY r.started_at DESC LIMIT 1) latest ON true
    ${only}
    ORDER BY s.id
  `.execute(db);
  return rows.map((row) => ({
    schoolId: row.id,
    name: row.name,
    enabledAt: row.created_at,
    lastSuccessAt: row.last_success_at,
    consecutiveFailures: Number(row.consecutive_failures),
    waiting: row.waiting_run_id ? { syncRunId: row.waiting_run_id, held: row.waiting_held ?? {} } : null,
    latestRun:
      row.latest_run_id && row.latest_workflow_id && row.latest_status && row.latest_started_at
        ? {
            syncRunId: row.latest_run_id,
            workflowId: row.latest_workflow_id,
            status: row.latest_status,
            startedAt: row.latest_started_at,
          }
        : null,
    openBlockingIssues: Number(row.open_blocking),
  }));
}
