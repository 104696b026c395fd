import { ApplicationFailure } from '@temporalio/activity';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, RunStatus, SyncMode } from '../db/database';
import { durationMs, type SchoolConfig } from '../config/school-config';
import { ConfigError, parseSchoolConfig } from '../config/load-school-config';
import { contentHash } from '../mapping/content-hash';
import {
  resolveIssuesNotSeenIn,
  resolveIssuesOfRecordsRead,
  runCounts,
  type RunCounts,
} from '../db/run-bookkeeping';
import { forgetRunProgress } from '../db/run-progress';
import { schoolHealthFacts } from '../db/school-health-facts';
import { advanceWatermark, scopeOfNextRun } from '../db/sync-watermarks';
import { countFinishedRun } from '../metrics/sync-metrics';
import type { DeactivationCounts } from './deactivation';
import { alertIfChanged, type FleetContext } from './fleet-alerts';

export type FinishedRunStatus = Exclude<RunStatus, 'running'>;

export interface RunSummary {
  syncRunId: string;
  status: FinishedRunStatus;
  /** A real run's scope: everything read (a reconciliation), or only what changed since the last run. */
  mode?: SyncMode;
  counts: RunCounts;
}

/**
 * How often a school's run is a full one: FULL_SYNC_EVERY in the worker's environment, for every
 * school it serves, else the school's `schedule.fullSyncEvery`.
 */
function fullSyncEveryMs(config: SchoolConfig): number {
  const override = process.env.FULL_SYNC_EVERY;
  if (override === undefined || override === '') return durationMs(config.schedule.fullSyncEvery);
  try {
    return durationMs(override);
  } catch {
    throw new ConfigError(
      `FULL_SYNC_EVERY="${override}" in the worker's environment is not a duration: use one such as "1d", "12h" or "0s" (every run full), or unset it to use each school's schedule.fullSyncEvery.`,
    );
  }
}

/** The school's stored configuration and its fingerprint: another configuration needs a full run. */
async function enabledConfig(db: Kysely<Database> | Transaction<Database>, schoolId: string) {
  const school = await db
    .selectFrom('schools')
    .select('config')
    .where('id', '=', schoolId)
    .executeTakeFirst();
  if (!school) return undefined;
  const config = parseSchoolConfig(school.config, `configuration of school ${schoolId}`);
  return { config, hash: contentHash([config]) };
}

export function createSyncRunActivities(db: Kysely<Database>, fleet: FleetContext) {
  return {
    /** Idempotent: a retried start of the same workflow finds its run again. */
    async beginSyncRun(input: {
      schoolId: string;
      workflowId: string;
      temporalRunId: string;
      kind: 'sync' | 'dry-run';
      /** A dry run's configuration (references only, no secrets): the school need not be enabled. */
      config?: SchoolConfig;
      /** A full reconciliation whatever the school's reconciliation schedule says. */
      full?: boolean;
    }): Promise<string> {
      if (input.kind === 'sync') {
        // A disabled school is not synced, even by a schedule someone unpaused behind `school disable`.
        const school = await db
          .selectFrom('schools')
          .select('disabled_at')
          .where('id', '=', input.schoolId)
          .executeTakeFirst();
        if (school?.disabled_at)
          throw ApplicationFailure.nonRetryable(
            `School ${input.schoolId} is disabled: not synced. Run \`npm run cli -- school enable ${input.schoolId}\` to sync it again.`,
            'SchoolDisabled',
          );
      }
      // A dry run reads everything; a real run of a school not enabled fails on insert (below).
      const school = input.kind === 'sync' ? await enabledConfig(db, input.schoolId) : undefined;
      const scope = school
        ? await scopeOfNextRun(db, input.schoolId, {
            configHash: school.hash,
            fullEveryMs: fullSyncEveryMs(school.config),
            fullAsked: input.full === true,
            now: new Date(),
          })
        : undefined;
      const row = await db
        .insertInto('sync_runs')
        .values({
          school_id: input.schoolId,
          workflow_id: input.workflowId,
          temporal_run_id: input.temporalRunId,
          kind: input.kind,
          status: 'running',
          config: input.config ? JSON.stringify(input.config) : null,
          mode: scope?.mode ?? null,
          modified_since: scope?.modifiedSince ? new Date(scope.modifiedSince) : null,
        })
        // A retried start keeps the scope it was given first.
        .onConflict((conflict) => conflict.column('temporal_run_id').doUpdateSet({ status: 'running' }))
        .returning('id')
        .executeTakeFirstOrThrow()
        .catch((err: unknown) => {
          // Only a real run needs an enabled school (a dry run's is usually not enabled yet); retrying cannot enable it.
          if ((err as { constraint?: string }).constraint === 'sync_runs_enabled_school_id_fkey') {
            throw ApplicationFailure.nonRetryable(
              `School ${input.schoolId} is not enabled. Run \`npm run cli -- enable --config <file>\`.`,
              'SchoolNotEnabled',
            );
          }
          throw err;
        });
      return row.id;
    },

    /** Records how the run ended and drops its scratch rows (what it saw, what it held back). */
    async finishSyncRun(input: {
      syncRunId: string;
      status: FinishedRunStatus;
      message?: string;
      held?: DeactivationCounts;
    }): Promise<RunSummary> {
      const heldTotal = Object.values(input.held ?? {}).reduce((sum, n) => sum + n, 0);
      const message =
        input.message ??
        (heldTotal ? `${heldTotal} deactivations held by the safety threshold, not approved.` : null);
      const run = await db.transaction().execute(async (trx) => {
        // Only the first finish is counted in the metrics: a retried one finds the run finished.
        const before = await trx
          .selectFrom('sync_runs')
          .select('status')
          .where('id', '=', input.syncRunId)
          .forUpdate()
          .executeTakeFirstOrThrow();
        const run = await trx
          .updateTable('sync_runs')
          .set({ status: input.status, message, finished_at: sql<Date>`now()` })
          .where('id', '=', input.syncRunId)
          .returning(['school_id', 'kind', 'mode', 'started_at', 'finished_at'])
          .executeTakeFirstOrThrow();
        if (run.kind === 'sync' && input.status === 'completed') {
          // An incremental run saw only what changed: it cannot tell that an issue of another record is gone.
          if (run.mode === 'incremental')
            await resolveIssuesOfRecordsRead(trx, run.school_id, input.syncRunId);
          else await resolveIssuesNotSeenIn(trx, run.school_id, input.syncRunId);
          const school = await enabledConfig(trx, run.school_id);
          if (school) await advanceWatermark(trx, input.syncRunId, school.hash);
        }
        await trx.deleteFrom('sync_seen').where('sync_run_id', '=', input.syncRunId).execute();
        await trx.deleteFrom('sync_listing_pages').where('sync_run_id', '=', input.syncRunId).execute();
        await trx.deleteFrom('pending_deactivations').where('sync_run_id', '=', input.syncRunId).execute();
        await forgetRunProgress(trx, input.syncRunId);
        return { ...run, firstFinish: before.status === 'running' };
      });
      const counts = await runCounts(db, input.syncRunId);
      if (run.firstFinish) {
        const sync = run.kind === 'sync';
        countFinishedRun({
          schoolId: run.school_id,
          kind: run.kind,
          result: input.status,
          seconds: ((run.finished_at?.getTime() ?? Date.now()) - run.started_at.getTime()) / 1000,
          written: sync ? counts : undefined,
          consecutiveFailures: sync
            ? ((await schoolHealthFacts(db, [run.school_id]))[0]?.consecutiveFailures ?? 0)
            : undefined,
        });
      }
      if (run.kind === 'sync') await alertIfChanged(db, fleet, run.school_id);
      return {
        syncRunId: input.syncRunId,
        status: input.status,
        ...(run.mode ? { mode: run.mode } : {}),
        counts,
      };
    },
  };
}
