/**
 * The per-school run a Temporal Schedule starts every interval: records the run, syncs the roster
 * in a child workflow, and returns counts per record type (numbers only, never personal data).
 */
import { ApplicationFailure, executeChild, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DeactivationCounts } from '../activities/deactivation';
import type { RunSummary } from '../activities/sync-runs';
import { activityRetry, HEARTBEAT_TIMEOUT } from './activity-options';
import { AttendancePostingWorkflow, type PostingCounts } from './attendance-posting';
import { RosterSyncWorkflow } from './roster-sync';

export interface SyncInput {
  schoolId: string;
}

/** A run's counts, what it holds back for approval, and what attendance posting sent. */
export type SyncResult = RunSummary & { held: DeactivationCounts; posting: PostingCounts };

const { beginSyncRun, finishSyncRun } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: activityRetry,
});

/** sync:<school>-<scheduled time> -> roster:<school>-<scheduled time>: one child per run, findable. */
export const rosterWorkflowId = (parentWorkflowId: string) =>
  parentWorkflowId.replace(/^sync:/, 'roster:').replace(/^dry-run:/, 'dry-run-roster:');
export const postingWorkflowId = (syncWorkflowId: string) => syncWorkflowId.replace(/^sync:/, 'posting:');

export async function SyncWorkflow(input: SyncInput): Promise<SyncResult> {
  const { workflowId, runId } = workflowInfo();
  const syncRunId = await beginSyncRun({
    schoolId: input.schoolId,
    workflowId,
    temporalRunId: runId,
    kind: 'sync',
  });
  let held: DeactivationCounts;
  let posting: PostingCounts;
  try {
    ({ held } = await executeChild(RosterSyncWorkflow, {
      args: [{ schoolId: input.schoolId, syncRunId }],
      workflowId: rosterWorkflowId(workflowId),
    }));
    posting = await executeChild(AttendancePostingWorkflow, {
      args: [{ schoolId: input.schoolId, syncRunId }],
      workflowId: postingWorkflowId(workflowId),
    });
  } catch (err) {
    const message = rootCause(err);
    await finishSyncRun({ syncRunId, status: 'failed', message });
    throw ApplicationFailure.nonRetryable(
      `Sync run ${syncRunId} of ${input.schoolId} failed: ${message}`,
      'SyncFailed',
    );
  }
  const summary = await finishSyncRun({ syncRunId, status: 'completed', held });
  return { ...summary, held, posting };
}

/** The innermost failure says what went wrong; the wrappers only say where. */
export function rootCause(err: unknown): string {
  let current = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
