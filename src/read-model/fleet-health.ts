/**
 * Every enabled school at a glance, worst first, for integration staff (the dashboard's fleet page,
 * `npm run cli -- status --all`): its health by the rules of src/coursekey/school-health.ts (the
 * same the alerts use), last completed run and its age, failures in a row, open blocking issues,
 * next run. A school without a schedule (removed) counts as paused: it is not expected to run.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { fleetSettings, type FleetSettings } from '../config/fleet-settings';
import { compareHealth, schoolHealth, type Health } from '../coursekey/school-health';
import type { Database, RunStatus } from '../db/database';
import { schoolHealthFacts } from '../db/school-health-facts';
import { schoolScheduleStates } from '../temporal/schedules';

export interface FleetSchool {
  schoolId: string;
  name: string;
  health: Health;
  lastSuccessAt: string | null;
  /** Milliseconds since the last completed run, at the time of the query. */
  lastSuccessAgeMs: number | null;
  consecutiveFailures: number;
  openBlockingIssues: number;
  /** Deactivations a running run holds for approval, per record type. */
  heldForApproval: Record<string, number> | null;
  schedule: { paused: boolean; nextRunAt: string | null; note: string | null } | null;
  latestRun: { workflowId: string; status: RunStatus; startedAt: string } | null;
}

export async function fleetHealth(
  db: Kysely<Database>,
  client: Client,
  options: { settings?: FleetSettings; now?: Date } = {},
): Promise<FleetSchool[]> {
  const { rules } = options.settings ?? fleetSettings();
  const now = options.now ?? new Date();
  const [facts, schedules] = await Promise.all([schoolHealthFacts(db), schoolScheduleStates(client)]);
  const schools = facts.map((school): FleetSchool & { lastSuccess: Date | null } => {
    const schedule = schedules.get(school.schoolId);
    return {
      schoolId: school.schoolId,
      name: school.name,
      health: schoolHealth(
        {
          consecutiveFailures: school.consecutiveFailures,
          lastSuccessAt: school.lastSuccessAt,
          monitoredSince: school.enabledAt,
          paused: schedule?.paused ?? true,
          waitingForApproval: school.waiting !== null,
        },
        rules,
        now,
      ),
      lastSuccess: school.lastSuccessAt,
      lastSuccessAt: school.lastSuccessAt?.toISOString() ?? null,
      lastSuccessAgeMs: school.lastSuccessAt ? now.getTime() - school.lastSuccessAt.getTime() : null,
      consecutiveFailures: school.consecutiveFailures,
      openBlockingIssues: school.openBlockingIssues,
      heldForApproval: school.waiting?.held ?? null,
      schedule: schedule
        ? { paused: schedule.paused, nextRunAt: schedule.nextRunAt ?? null, note: schedule.note ?? null }
        : null,
      latestRun: school.latestRun && {
        workflowId: school.latestRun.workflowId,
        status: school.latestRun.status,
        startedAt: school.latestRun.startedAt.toISOString(),
      },
    };
  });
  return schools
    .sort((a, b) =>
      compareHealth({ ...a, lastSuccessAt: a.lastSuccess }, { ...b, lastSuccessAt: b.lastSuccess }),
    )
    .map(({ lastSuccess: _, ...school }) => school);
}
