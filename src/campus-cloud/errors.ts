/**
 * Campus Cloud errors, classified once, here. Activities map each class to Temporal retry
 * behaviour (src/activities/sis-failure.ts). Messages name the endpoint and the status, never a
 * token, a password or a person's data.
 */
export abstract class SisError extends Error {
  abstract readonly kind: 'transient' | 'rate-limited' | 'configuration' | 'request' | 'bad-record';
}

/** 5xx, timeouts, connection failures: retried with backoff. */
export class SisTransientError extends SisError {
  override name = 'SisTransientError';
  readonly kind = 'transient';
}

/** 429: retried after the SIS's Retry-After. */
export class SisRateLimitedError extends SisError {
  override name = 'SisRateLimitedError';
  readonly kind = 'rate-limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/** Bad service-account credentials, a 403, a wrong base URL: not retried, the run fails with this message. */
export class SisConfigurationError extends SisError {
  override name = 'SisConfigurationError';
  readonly kind = 'configuration';
}

/** 400/404/422 for one request: permanent for that request (e.g. a referenced id the SIS does not know). */
export class SisRequestError extends SisError {
  override name = 'SisRequestError';
  readonly kind = 'request';
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
  ) {
    super(message);
  }
}

/** A record that fails validation: quarantined as an issue, the page goes on. */
export class SisBadRecordError extends SisError {
  override name = 'SisBadRecordError';
  readonly kind = 'bad-record';
  constructor(
    readonly endpoint: string,
    readonly sisId: string | undefined,
    readonly reason: string,
  ) {
    super(`${endpoint}: record ${sisId ?? '(no id)'} is invalid: ${reason}`);
  }
}
