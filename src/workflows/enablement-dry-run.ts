/**
 * The enablement dry run: the same fetches and checks as a real sync against the school's SIS
 * (usually its Test instance), writing only a report: what a run would create, update and
 * deactivate, and every problem found. The school need not be enabled yet.
 */
import {
  ApplicationFailure,
  executeChild,
  patched,
  proxyActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { RunSummary } from '../activities/sync-runs';
import type { SchoolConfig } from '../config/school-config';
import { activityRetry, HEARTBEAT_TIMEOUT, LEAN_RUNS } from './activity-options';
import { RosterSyncWorkflow } from './roster-sync';
import { schoolSearchAttributes } from './search-attributes';
import { rootCause, rosterWorkflowId } from './sync';

export interface EnablementDryRunInput {
  /** Validated configuration with credential references only (no secrets). */
  config: SchoolConfig;
}

const { beginSyncRun, finishSyncRun } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: activityRetry,
});

export async function EnablementDryRunWorkflow(input: EnablementDryRunInput): Promise<RunSummary> {
  const { workflowId, runId } = workflowInfo();
  const schoolId = input.config.schoolId;
  const syncRunId = await beginSyncRun({
    schoolId,
    workflowId,
    temporalRunId: runId,
    kind: 'dry-run',
    config: input.config,
  });
  try {
    await executeChild(RosterSyncWorkflow, {
      args: [{ schoolId, syncRunId, ...(patched(LEAN_RUNS) ? { lean: true } : {}) }],
      workflowId: rosterWorkflowId(workflowId),
      typedSearchAttributes: schoolSearchAttributes(schoolId),
    });
  } catch (err) {
    const message = rootCause(err);
    await finishSyncRun({ syncRunId, status: 'failed', message });
    throw ApplicationFailure.nonRetryable(`Dry run of ${schoolId} failed: ${message}`, 'DryRunFailed');
  }
  return finishSyncRun({ syncRunId, status: 'completed' });
}
