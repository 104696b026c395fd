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
