import { ApplicationFailure } from '@temporalio/activity';
import { sql, type Kysely } from 'kysely';
import type { Database, RunStatus } from '../db/database';
import type { SchoolConfig } from '../config/school-config';
import { resolveIssuesNotSeenIn, runCounts, type RunCounts } from '../db/run-bookkeeping';
import type { DeactivationCounts } from './deactivation';
import { alertIfChanged, type FleetContext } from './fleet-alerts';

export type FinishedRunStatus = Exclude<RunStatus, 'running'>;

export interface RunSummary {
  syncRunId: string;
  status: FinishedRunStatus;
  counts: RunCounts;
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
    }): Promise<string> {
      const row = await db
        .insertInto('sync_runs')
        .values({
          school_id: input.schoolId,
          workflow_id: input.workflowId,
          temporal_run_id: input.temporalRunId,
          kind: input.kind,
          status: 'running',
          config: input.config ? JSON.stringify(input.config) : null,
        })
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
        const run = await trx
          .updateTable('sync_runs')
          .set({ status: input.status, message, finished_at: sql<Date>`now()` })
          .where('id', '=', input.syncRunId)
          .returning(['school_id', 'kind'])
          .executeTakeFirstOrThrow();
        if (run.kind === 'sync' && input.status === 'completed') {
          await resolveIssuesNotSeenIn(trx, run.school_id, input.syncRunId);
        }
        await trx.deleteFrom('sync_seen').where('sync_run_id', '=', input.syncRunId).execute();
        await trx.deleteFrom('sync_listing_pages').where('sync_run_id', '=', input.syncRunId).execute();
        await trx.deleteFrom('pending_deactivations').where('sync_run_id', '=', input.syncRunId).execute();
        return run;
      });
      if (run.kind === 'sync') await alertIfChanged(db, fleet, run.school_id);
      return {
        syncRunId: input.syncRunId,
        status: input.status,
        counts: await runCounts(db, input.syncRunId),
      };
    },
  };
}
