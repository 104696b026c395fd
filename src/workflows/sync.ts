/**
 * The per-school run a Temporal Schedule starts every interval: records the run, syncs the roster
 * in a child workflow, and returns counts per record type (numbers only, never personal data).
 */
import { ApplicationFailure, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RunSummary } from '../activities/sync-runs';
import { RosterSyncWorkflow } from './roster-sync';

export interface SyncInput {
  schoolId: string;
}

const { beginSyncRun, finishSyncRun } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
});

export const rosterWorkflowId = (syncWorkflowId: string) => syncWorkflowId.replace(/^sync:/, 'roster:');

export async function SyncWorkflow(input: SyncInput): Promise<RunSummary> {
  const { workflowId, runId } = workflowInfo();
  const syncRunId = await beginSyncRun({
    schoolId: input.schoolId,
    workflowId,
    temporalRunId: runId,
    kind: 'sync',
  });
  try {
    await executeChild(RosterSyncWorkflow, {
      args: [{ schoolId: input.schoolId, syncRunId }],
      // sync:<school>-<scheduled time> -> roster:<school>-<scheduled time>: one child per run, findable.
      workflowId: rosterWorkflowId(workflowId),
    });
  } catch (err) {
    const message = rootCause(err);
    await finishSyncRun({ syncRunId, status: 'failed', message });
    throw ApplicationFailure.nonRetryable(
      `Sync run ${syncRunId} of ${input.schoolId} failed: ${message}`,
      'SyncFailed',
    );
  }
  return finishSyncRun({ syncRunId, status: 'completed' });
}

/** The innermost failure says what went wrong; the wrappers only say where. */
function rootCause(err: unknown): string {
  let current = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
