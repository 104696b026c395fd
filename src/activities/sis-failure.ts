import { ApplicationFailure } from '@temporalio/activity';
import { SisConfigurationError, SisRateLimitedError, SisRequestError } from '../campus-cloud/errors';
import { ConfigError } from '../config/load-school-config';

/**
 * Runs an activity body and turns classified SIS errors into Temporal retry behaviour:
 * configuration problems and refused requests stop the run, rate limits retry after the SIS's
 * delay, the rest retry with the workflow's backoff (see src/campus-cloud/request-policy.ts).
 */
export async function withSisFailures<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (err) {
    // A configuration problem, or a 400/404/422 that reached the activity (a list page the SIS
    // refuses): the same request gets the same answer, so the run fails now, saying why.
    if (
      err instanceof SisConfigurationError ||
      err instanceof ConfigError ||
      err instanceof SisRequestError
    ) {
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
