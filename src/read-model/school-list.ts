/** Every school at a line: enabled or disabled, its schedule's state and its last run. */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database, RunStatus } from '../db/database';
import { scheduleState, type ScheduleState } from '../temporal/schedules';

export interface SchoolListing {
  id: string;
  name: string;
  environment: string;
  disabledAt: Date | null;
  schedule: ScheduleState | undefined;
  lastRun: { workflowId: string; status: RunStatus; startedAt: Date; finishedAt: Date | null } | undefined;
}

/** Schedules are described a few at a time: hundreds of schools, one Temporal call each. */
const DESCRIBE_AT_ONCE = 16;

export async function listSchools(db: Kysely<Database>, client: Client): Promise<SchoolListing[]> {
  const schools = await db
    .selectFrom('schools')
    .select(['id', 'name', 'environment', 'disabled_at'])
    .orderBy('id')
    .execute();
  const lastRuns = await db
    .selectFrom('sync_runs')
    .distinctOn('school_id')
    .select(['school_id', 'workflow_id', 'status', 'started_at', 'finished_at'])
    .where('kind', '=', 'sync')
    .orderBy('school_id')
    .orderBy('started_at', 'desc')
    .execute();
  const schedules: (ScheduleState | undefined)[] = [];
  for (let i = 0; i < schools.length; i += DESCRIBE_AT_ONCE)
    schedules.push(
      ...(await Promise.all(
        schools.slice(i, i + DESCRIBE_AT_ONCE).map((school) => scheduleState(client, school.id)),
      )),
    );
  return schools.map((school, index) => {
    const run = lastRuns.find((r) => r.school_id === school.id);
    return {
      id: school.id,
      name: school.name,
      environment: school.environment,
      disabledAt: school.disabled_at,
      schedule: schedules[index],
      lastRun: run && {
        workflowId: run.workflow_id,
        status: run.status,
        startedAt: run.started_at,
        finishedAt: run.finished_at,
      },
    };
  });
}
