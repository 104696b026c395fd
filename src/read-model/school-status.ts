/** A school's state in one object: schedule, recent runs with their counts, records held, open issues. */
import type { Client } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import type { Database, RunStatus, SyncMode } from '../db/database';
import { runCounts, type RunCounts } from '../db/run-bookkeeping';
import { scheduleState, type ScheduleState } from '../temporal/schedules';

export interface SchoolStatus {
  school: { id: string; name: string; environment: string; timeZone: string };
  schedule: ScheduleState | undefined;
  runs: {
    id: string;
    workflowId: string;
    status: RunStatus;
    /** Full reconciliation or incremental (null: a run from before incremental runs). */
    mode: SyncMode | null;
    startedAt: string;
    finishedAt: string | null;
    message: string | null;
    counts: RunCounts;
  }[];
  records: Record<
    'courses' | 'users' | 'course_members' | 'class_sessions',
    { total: number; active: number }
  >;
  openIssues: Record<'blocking' | 'warning' | 'info', number>;
}

export async function schoolStatus(
  db: Kysely<Database>,
  client: Client,
  schoolId: string,
  recentRuns = 5,
): Promise<SchoolStatus> {
  const school = await db
    .selectFrom('schools')
    .select(['id', 'name', 'environment', 'time_zone'])
    .where('id', '=', schoolId)
    .executeTakeFirst();
  if (!school)
    throw new Error(`School ${schoolId} is not enabled. Run \`npm run cli -- enable --config <file>\`.`);

  const runs = await db
    .selectFrom('sync_runs')
    .selectAll()
    .where('school_id', '=', schoolId)
    // The run history is of real runs: a dry run changed nothing (its report is its record).
    .where('kind', '=', 'sync')
    .orderBy('started_at', 'desc')
    .limit(recentRuns)
    .execute();

  const records = {} as SchoolStatus['records'];
  for (const table of ['courses', 'users', 'course_members', 'class_sessions'] as const) {
    const activeColumn = table === 'class_sessions' ? sql<boolean>`true` : sql<boolean>`active`;
    const row = await db
      .selectFrom(table)
      .select([
        sql<string>`count(*)`.as('total'),
        sql<string>`count(*) FILTER (WHERE ${activeColumn})`.as('active'),
      ])
      .where('school_id', '=', schoolId)
      .executeTakeFirstOrThrow();
    records[table] = { total: Number(row.total), active: Number(row.active) };
  }

  const issues = await db
    .selectFrom('sync_issues')
    .select(['severity', sql<string>`count(*)`.as('n')])
    .where('school_id', '=', schoolId)
    .where('resolved_at', 'is', null)
    .groupBy('severity')
    .execute();
  const openIssues = { blocking: 0, warning: 0, info: 0 };
  for (const row of issues) openIssues[row.severity] = Number(row.n);

  return {
    school: { id: school.id, name: school.name, environment: school.environment, timeZone: school.time_zone },
    schedule: await scheduleState(client, schoolId),
    runs: await Promise.all(
      runs.map(async (run) => ({
        id: run.id,
        workflowId: run.workflow_id,
        status: run.status,
        mode: run.mode,
        startedAt: run.started_at.toISOString(),
        finishedAt: run.finished_at?.toISOString() ?? null,
        message: run.message,
        counts: await runCounts(db, run.id),
      })),
    ),
    records,
    openIssues,
  };
}

/** What a failed run recorded as its reason (as the status shows it), by its workflow id. */
export async function failedRunMessage(
  db: Kysely<Database>,
  workflowId: string,
): Promise<string | undefined> {
  const run = await db
    .selectFrom('sync_runs')
    .select('message')
    .where('workflow_id', '=', workflowId)
    .where('status', '=', 'failed')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return run?.message ?? undefined;
}
