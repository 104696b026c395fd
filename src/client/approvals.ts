import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { approveDeactivationsSignal } from '../workflows/signals';
import { rosterWorkflowId } from '../workflows/sync';

/** Signals the school's running sync that holds deactivations to apply them. */
export async function approveHeldDeactivations(
  db: Kysely<Database>,
  client: Client,
  schoolId: string,
): Promise<{ workflowId: string; held: Record<string, number> }> {
  const run = await db
    .selectFrom('sync_runs')
    .select(['workflow_id', 'held_deactivations'])
    .where('school_id', '=', schoolId)
    .where('status', '=', 'running')
    .where('held_deactivations', 'is not', null)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!run?.held_deactivations) {
    throw new Error(
      `No running sync of ${schoolId} is holding deactivations. A run that ended without approval keeps nothing: the next run checks again.`,
    );
  }
  const workflowId = rosterWorkflowId(run.workflow_id);
  await client.workflow.getHandle(workflowId).signal(approveDeactivationsSignal);
  return { workflowId, held: run.held_deactivations };
}
