/**
 * What the client reports about each exchange with the SIS, for the worker's metrics: the endpoint,
 * how it ended and how long it took. Endpoint names and numbers only, never a query or a body. The
 * client takes an observer instead of knowing about metrics (README, "Layout").
 */
import { HTTPError, TimeoutError } from 'ky';

export type SisRequestOutcome =
  | 'ok'
  | 'http_4xx'
  | 'http_429'
  | 'http_5xx'
  | 'timeout'
  | 'network'
  /** Refused by the circuit breaker without asking the SIS (request-policy.ts). */
  | 'circuit_open'
  | 'error';

export interface SisRequestEvent {
  endpoint: string;
  outcome: SisRequestOutcome;
  /** How long the SIS took to answer; absent when no request was sent (circuit_open). */
  seconds?: number;
}

export type SisRequestObserver = (event: SisRequestEvent) => void;

/** The outcome of one HTTP exchange, from the raw error ky or fetch raised. */
export function outcomeOf(err: unknown): SisRequestOutcome {
  if (err instanceof HTTPError) {
    const status = err.response.status;
    if (status === 429) return 'http_429';
    if (status >= 500) return 'http_5xx';
    return 'http_4xx';
  }
  if (err instanceof TimeoutError) return 'timeout';
  // fetch reports a refused, reset or unresolvable connection as a TypeError.
  if (err instanceof TypeError) return 'network';
  return 'error';
}
