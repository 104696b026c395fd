/**
 * The per-school run a Temporal Schedule starts every interval: records the run, syncs the roster
 * in a child workflow, then posts attendance in another while it waits for an operator's approval
 * of any deactivations the roster held back, and returns counts per record type (numbers only,
 * never personal data). A cancelled run records itself as cancelled.
 */
import {
  ApplicationFailure,
  CancellationScope,
  executeChild,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DeactivationCounts } from '../activities/deactivation';
import type { RunSummary } from '../activities/sync-runs';
import { activityRetry, HEARTBEAT_TIMEOUT, LEAN_RUNS } from './activity-options';
import { AttendancePostingWorkflow, type PostingCounts } from './attendance-posting';
import { deactivationApproval } from './deactivation-approval';
import { sideBySide } from './pool';
import { RosterSyncWorkflow } from './roster-sync';
import { schoolSearchAttributes } from './search-attributes';

export interface SyncInput {
  schoolId: string;
  /** A full reconciliation whatever the school's schedule of them says (scheduled runs leave it out). */
  full?: boolean;
}

/** A run's counts, what it holds back for approval, and what attendance posting sent. */
export type SyncResult = RunSummary & { held: DeactivationCounts; posting: PostingCounts };

const bookkeeping = {
  remote: proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: activityRetry,
  }),
  local: proxyLocalActivities<Activities>({ startToCloseTimeout: '1 minute', retry: activityRetry }),
};

const CANCELLED =
  'Cancelled before it finished: what it wrote stays, held deactivations not approved stay unapplied, and the next run syncs afresh.';

/** sync:<school>-<scheduled time> -> roster:<school>-<scheduled time>: one child per run, findable. */
export const rosterWorkflowId = (parentWorkflowId: string) =>
  parentWorkflowId.replace(/^sync:/, 'roster:').replace(/^dry-run:/, 'dry-run-roster:');
export const postingWorkflowId = (syncWorkflowId: string) => syncWorkflowId.replace(/^sync:/, 'posting:');

export async function SyncWorkflow(input: SyncInput): Promise<SyncResult> {
  const lean = patched(LEAN_RUNS);
  const { beginSyncRun, finishSyncRun } = lean ? bookkeeping.local : bookkeeping.remote;
  const approval = deactivationApproval(input.schoolId);
  const { workflowId, runId } = workflowInfo();
  // Bookkeeping is not cancellable: a run cancelled at any point still records how it ended.
  const finish = (outcome: Parameters<typeof finishSyncRun>[0]) =>
    CancellationScope.nonCancellable(() => finishSyncRun(outcome));
  const syncRunId = await CancellationScope.nonCancellable(() =>
    beginSyncRun({
      schoolId: input.schoolId,
      workflowId,
      temporalRunId: runId,
      kind: 'sync',
      ...(input.full ? { full: true } : {}),
    }),
  );
  let held: DeactivationCounts;
  let posting: PostingCounts;
  try {
    const roster = await executeChild(RosterSyncWorkflow, {
      args: [{ schoolId: input.schoolId, syncRunId, ...(lean ? { lean } : {}) }],
      workflowId: rosterWorkflowId(workflowId),
      typedSearchAttributes: schoolSearchAttributes(input.schoolId),
    });
    // Attendance posting does not wait behind an approval of held deactivations: both go on at once.
    const { approvalWait } = roster;
    [posting, held] = await sideBySide([
      () =>
        executeChild(AttendancePostingWorkflow, {
          args: [{ schoolId: input.schoolId, syncRunId, ...(lean ? { lean } : {}) }],
          workflowId: postingWorkflowId(workflowId),
          typedSearchAttributes: schoolSearchAttributes(input.schoolId),
        }),
      // A roster child started before this version waited for its approval itself (no approvalWait).
      async () =>
        approvalWait
          ? approval.awaitApproval({ syncRunId, held: roster.held, wait: approvalWait })
          : roster.held,
    ]);
  } catch (err) {
    if (isCancellation(err)) {
      await finish({ syncRunId, status: 'cancelled', message: CANCELLED });
      throw err;
    }
    const message = rootCause(err);
    await finish({ syncRunId, status: 'failed', message });
    throw ApplicationFailure.nonRetryable(
      `Sync run ${syncRunId} of ${input.schoolId} failed: ${message}`,
      'SyncFailed',
    );
  }
  const summary = await finish({ syncRunId, status: 'completed', held });
  return { ...summary, held, posting };
}

/** The innermost failure says what went wrong; the wrappers only say where. */
export function rootCause(err: unknown): string {
  let current = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
