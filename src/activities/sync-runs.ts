import { ApplicationFailure } from '@temporalio/activity';
import { sql, type Kysely } from 'kysely';
import type { Database, RunStatus } from '../db/database';
import type { SchoolConfig } from '../config/school-config';
import {
  consecutiveFailures,
  resolveIssuesNotSeenIn,
  runCounts,
  type RunCounts,
} from '../db/run-bookkeeping';
import { countFinishedRun } from '../metrics/sync-metrics';
import { forgetRunProgress } from '../db/run-progress';
import type { DeactivationCounts } from './deactivation';

export type FinishedRunStatus = Exclude<RunStatus, 'running'>;

export interface RunSummary {
  syncRunId: string;
  status: FinishedRunStatus;
  counts: RunCounts;
}

export function createSyncRunActivities(db: Kysely<Database>) {
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
          .returning(['school_id', 'kind', 'started_at', 'finished_at'])
          .executeTakeFirstOrThrow();
        if (run.kind === 'sync' && input.status === 'completed') {
          await resolveIssuesNotSeenIn(trx, run.school_id, input.syncRunId);
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
          consecutiveFailures: sync ? await consecutiveFailures(db, run.school_id) : undefined,
        });
      }
      return {
        syncRunId: input.syncRunId,
        status: input.status,
        counts,
      };
    },
  };
}
