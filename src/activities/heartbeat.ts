import { Context } from '@temporalio/activity';

const HEARTBEAT_EVERY_MS = 1_000;

/**
 * Heartbeats on a timer while `body` runs, so a worker that dies is noticed within the activity's
 * heartbeat timeout, while a slow SIS answer (which may take longer) is not mistaken for a death
 * and sent again by a second attempt running beside the first.
 */
export async function withHeartbeat<T>(body: () => Promise<T>): Promise<T> {
  const context = Context.current();
  context.heartbeat();
  const timer = setInterval(() => context.heartbeat(), HEARTBEAT_EVERY_MS);
  try {
    return await body();
  } finally {
    clearInterval(timer);
  }
}
