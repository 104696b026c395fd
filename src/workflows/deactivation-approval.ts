/**
 * Approval of the deactivations a run holds back (mass-change safety): a Workflow Update of
 * SyncWorkflow carrying the held counts the operator was shown. Its validator refuses when the run
 * holds nothing (not yet, no longer, or approved already) and when the counts differ from what it
 * holds, so an operator never approves something other than what they saw. It returns the counts
 * it applied. Counts per record type only: nothing personal enters the history.
 */
import type { Duration } from '@temporalio/common';
import {
  ActivityCancellationType,
  ApplicationFailure,
  condition,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import { z } from 'zod';
import type { Activities } from '../activities';
import type { DeactivationCounts } from '../activities/deactivation';
import { activityRetry, HEARTBEAT_TIMEOUT } from './activity-options';
import { recordTypeLabels, recordTypes, type RecordType } from '../coursekey/record-types';

export const deactivationApprovalSchema = z.strictObject({
  /** What the operator was shown as held, per record type. */
  held: z.partialRecord(z.enum(recordTypes), z.number().int().min(0)),
});
export type DeactivationApproval = z.infer<typeof deactivationApprovalSchema>;

/** Sent by `npm run cli -- approve`; returns the deactivations applied per record type. */
export const approveDeactivationsUpdate = defineUpdate<DeactivationCounts, [DeactivationApproval]>(
  'approveDeactivations',
);

const { applyHeldDeactivations } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: activityRetry,
  // A cancelled run records its end only after the deactivations being applied are written.
  cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
});

/** "12 course members, 3 users" (record types in their usual order), or "nothing". */
export function describeCounts(counts: DeactivationCounts): string {
  const parts = recordTypes.flatMap((type) =>
    counts[type] === undefined ? [] : [`${counts[type]} ${recordTypeLabels[type].toLowerCase()}`],
  );
  return parts.length ? parts.join(', ') : 'nothing';
}

/**
 * Registers the update, before the run's first await so no early update goes unhandled.
 * `awaitApproval` opens it for the counts held, for at most `wait`, and returns what is still held
 * when it closes: nothing once approved and applied.
 */
export function deactivationApproval(schoolId: string) {
  let run: { schoolId: string; syncRunId: string } | undefined;
  let held: DeactivationCounts = {};
  let applying: Promise<DeactivationCounts> | undefined;
  setHandler(
    approveDeactivationsUpdate,
    () => (applying = applyHeldDeactivations({ ...run!, recordTypes: Object.keys(held) as RecordType[] })),
    {
      validator: (approval) => {
        if (!run || applying) {
          throw ApplicationFailure.nonRetryable(
            `This run of ${schoolId} holds no deactivations to approve (none held, approved already, or its approval wait is over).`,
            'NothingHeld',
          );
        }
        const parsed = deactivationApprovalSchema.safeParse(approval);
        const seen = parsed.success ? describeCounts(parsed.data.held) : 'a malformed approval';
        if (seen !== describeCounts(held)) {
          throw ApplicationFailure.nonRetryable(
            `Run ${run.syncRunId} of ${schoolId} holds ${describeCounts(held)} for approval, not ${seen}: check \`npm run cli -- status --school ${schoolId}\` and approve again.`,
            'HeldCountsDiffer',
          );
        }
      },
    },
  );
  return {
    /** `wait` is the school's safety.approvalWait, a duration such as "45m". */
    async awaitApproval(input: {
      syncRunId: string;
      held: DeactivationCounts;
      wait: string;
    }): Promise<DeactivationCounts> {
      held = input.held;
      run = { schoolId, syncRunId: input.syncRunId };
      await condition(() => applying !== undefined, input.wait as Duration);
      run = undefined;
      if (!applying) return held;
      await applying;
      return {};
    },
  };
}
