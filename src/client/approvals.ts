import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import {
  approveDeactivationsUpdate,
  deactivationApprovalSchema,
  type DeactivationApproval,
} from '../workflows/deactivation-approval';

type DeactivationCounts = DeactivationApproval['held'];

export interface Approval {
  syncRunId: string;
  workflowId: string;
  /** What the run held, as read and passed to the run: the run refuses other counts. */
  held: DeactivationCounts;
  /** What the run applied. */
  applied: DeactivationCounts;
}

/**
 * Approves the deactivations the school's running sync holds back: reads the held counts the run
 * recorded and sends them with the approval, so the run applies exactly those or refuses.
 */
export async function approveHeldDeactivations(
  db: Kysely<Database>,
  client: Client,
  schoolId: string,
): Promise<Approval> {
  const run = await db
    .selectFrom('sync_runs')
    .select(['id', 'workflow_id', 'temporal_run_id', 'held_deactivations'])
    .where('school_id', '=', schoolId)
    .where('kind', '=', 'sync')
    .where('status', '=', 'running')
    .where('held_deactivations', 'is not', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!run?.held_deactivations) {
    throw new Error(
      `No running sync of ${schoolId} is holding deactivations. A run that ended without approval keeps nothing: the next run checks again.`,
    );
  }
  const { held } = deactivationApprovalSchema.parse({ held: run.held_deactivations });
  const handle = client.workflow.getHandle(run.workflow_id, run.temporal_run_id);
  try {
    const applied = await handle.executeUpdate(approveDeactivationsUpdate, { args: [{ held }] });
    return { syncRunId: run.id, workflowId: run.workflow_id, held, applied };
  } catch (err) {
    // The run's reason (nothing held any more, other counts) is the message an operator needs.
    if (err instanceof WorkflowUpdateFailedError && err.cause) throw new Error(err.cause.message);
    throw err;
  }
}
