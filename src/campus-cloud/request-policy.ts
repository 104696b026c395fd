/**
 * The one retry policy toward a school's SIS, for every request the client sends:
 * - inside a request, quick retries of what a second try usually fixes: a dropped connection, a
 *   timeout, a 5xx, a 429 that asks to wait a few seconds (waited as asked);
 * - a circuit breaker per school: when nearly every recent request failed, the SIS is down, not
 *   flaky, and requests fail at once instead of multiplying; a probe goes through every few seconds;
 * - what still fails reaches Temporal, whose activity retries keep the progress already made;
 * - never retried: 400/404/422 (the same request gets the same answer), 403, bad credentials.
 */
import {
  BrokenCircuitError,
  circuitBreaker,
  CountBreaker,
  DelegateBackoff,
  handleWhen,
  retry,
  wrap,
} from 'cockatiel';
import { SisRateLimitedError, SisTransientError } from './errors';

/**
 * Tries per request. With a third of requests failing (a bad day), eight tries leave about one
 * request in ten thousand failed (six left one in a thousand: a dozen activity retries in a run of
 * `large`, each reading its part again, +6% requests); Temporal retries those with the progress
 * kept. A SIS that is down, not flaky, meets the circuit breaker instead.
 */
export const IN_REQUEST_TRIES = 8;
/** A 429 that asks for a longer wait goes to Temporal, which waits without holding a request slot. */
const MAX_IN_REQUEST_WAIT_SECONDS = 5;

const retryableInRequest = (err: Error) =>
  err instanceof SisTransientError ||
  (err instanceof SisRateLimitedError && err.retryAfterSeconds <= MAX_IN_REQUEST_WAIT_SECONDS);
const sisUnwell = (err: Error) => err instanceof SisTransientError || err instanceof SisRateLimitedError;

export function sisRequestPolicy(tries = IN_REQUEST_TRIES) {
  const breaker = circuitBreaker(handleWhen(sisUnwell), {
    halfOpenAfter: 5_000,
    breaker: new CountBreaker({ threshold: 0.9, size: 30, minimumNumberOfCalls: 20 }),
  });
  const retries = retry(handleWhen(retryableInRequest), {
    maxAttempts: tries - 1,
    backoff: new DelegateBackoff<{ attempt: number; result: { error: Error } | { value: unknown } }>(
      ({ attempt, result }) => {
        if ('error' in result && result.error instanceof SisRateLimitedError)
          return result.error.retryAfterSeconds * 1000;
        // 200 ms, 400 ms, ... up to 2 s, with jitter so parallel requests do not retry in step.
        return Math.min(2_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
      },
    ),
  });
  return wrap(retries, breaker);
}

export const isOpenCircuit = (err: unknown): err is BrokenCircuitError => err instanceof BrokenCircuitError;
