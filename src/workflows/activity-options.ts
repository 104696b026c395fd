/**
 * How every workflow calls its activities. Activities heartbeat every second, so a lost worker's
 * activity is retried after HEARTBEAT_TIMEOUT, not after its start-to-close timeout; the retry
 * policy has no attempt limit of its own because an activity gives up by itself once attempts stop
 * making progress (src/activities/heartbeat.ts), so a flaky SIS is ridden out and a dead one is not.
 */
export const HEARTBEAT_TIMEOUT = '15 seconds';

export const activityRetry = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  nonRetryableErrorTypes: ['SisConfigurationError', 'ConfigError', 'EmptySisListing', 'NoProgress'],
};

/**
 * Since this patch a run takes fewer, larger steps (what a small school's run costs Temporal and the
 * worker is mostly per step; docs/benchmarks.md, "Fleet"):
 * - its database-only steps (recording the run, the checks and counts between the roster's stages,
 *   settling deactivations) are local activities: run by the worker that runs the workflow task,
 *   one marker each, no task-queue round trip, and the local activities of one workflow task are
 *   one billed action. Whatever calls the SIS stays an activity: a local activity waiting on a slow
 *   SIS would hold a workflow task slot from every other school;
 * - page 1 of the three user lists is one activity, a batch's meetings and enrollments are one;
 * - the posting activity that sends the last records also sends the LDAs when its calls allow.
 * SyncWorkflow and the dry run ask patched() once and tell their children in their input (`lean`),
 * so a child's own history says which way it runs without a marker (and search attribute) of its own.
 */
export const LEAN_RUNS = 'lean-runs';
