import { ApplicationFailure } from '@temporalio/activity';
import { SisConfigurationError, SisRateLimitedError } from '../campus-cloud/errors';
import { ConfigError } from '../config/load-school-config';

/**
 * Runs an activity body and turns classified SIS errors into Temporal retry behaviour:
 * configuration problems stop the run, rate limits retry after the SIS's delay, the rest retry
 * with the workflow's backoff.
 */
export async function withSisFailures<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    if (err instanceof SisConfigurationError || err instanceof ConfigError) {
      throw ApplicationFailure.nonRetryable(err.message, err.name);
    }
    if (err instanceof SisRateLimitedError) {
      throw ApplicationFailure.create({
        message: err.message,
        type: err.name,
        nextRetryDelay: `${Math.max(1, err.retryAfterSeconds)}s`,
      });
    }
    throw err;
  }
}
