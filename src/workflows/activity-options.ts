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
 * Since this patch a run's short database-only steps (recording the run, the checks and counts
 * between the roster's stages, settling deactivations) run as local activities: in the worker that
 * runs the workflow task, recorded as one marker each, with no round trip through the task queue.
 * Temporal bills the local activities of one workflow task as one action and stores a fraction of
 * the events. Whatever calls the SIS stays an activity: the pages, the batches and the posting are
 * long and heartbeat, and a local activity waiting on a slow SIS would hold a workflow task slot.
 */
export const LOCAL_BOOKKEEPING = 'local-bookkeeping';
