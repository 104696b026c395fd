import { ApplicationFailure, Context } from '@temporalio/activity';

const HEARTBEAT_EVERY_MS = 1_000;
/**
 * An activity that failed this many attempts in a row without progress gives up: the SIS (or the
 * database) is down, not flaky, and the next scheduled run tries again. With the workflows' backoff
 * (1 s doubling to 30 s) that is about three minutes of outage ridden out.
 */
export const MAX_ATTEMPTS_WITHOUT_PROGRESS = 10;

/** What each heartbeat carries: where the activity got to, and in which attempt it last moved. */
interface AttemptProgress {
  cursor: unknown;
  attempt: number;
}

const progressOf = new WeakMap<Context, (cursor: unknown) => void>();

/**
 * Runs one activity attempt: heartbeats every second, so a worker that dies is noticed within the
 * heartbeat timeout (seconds, not the start-to-close timeout), while a slow SIS answer is not
 * mistaken for a death; and decides when retrying is pointless (see MAX_ATTEMPTS_WITHOUT_PROGRESS).
 */
export async function withHeartbeat<T>(body: () => Promise<T>): Promise<T> {
  const context = Context.current();
  let progress = context.info.heartbeatDetails as AttemptProgress | undefined;
  // A local activity has no heartbeat: the worker running it keeps its workflow task alive.
  const beat = context.info.isLocal ? () => undefined : () => context.heartbeat(progress);
  progressOf.set(context, (cursor) => {
    progress = { cursor, attempt: context.info.attempt };
    beat();
  });
  beat();
  const timer = setInterval(beat, HEARTBEAT_EVERY_MS);
  try {
    return await body();
  } catch (err) {
    const stalled = context.info.attempt - (progress?.attempt ?? 0);
    if (stalled < MAX_ATTEMPTS_WITHOUT_PROGRESS || (err instanceof ApplicationFailure && err.nonRetryable))
      throw err;
    const reason = err instanceof Error ? err.message : String(err);
    throw ApplicationFailure.nonRetryable(
      `${reason} (no progress in ${stalled} attempts; the next scheduled run tries again)`,
      'NoProgress',
    );
  } finally {
    clearInterval(timer);
  }
}

/** Marks durable progress: the attempt counts as moving; `cursor` shows where it is (Web UI). */
export function recordProgress(cursor: unknown): void {
  progressOf.get(Context.current())?.(cursor);
}

/** Every activity of a set runs as a heartbeating attempt. */
export function heartbeating<A extends Record<string, (input: never) => Promise<unknown>>>(activities: A): A {
  return Object.fromEntries(
    Object.entries(activities).map(([name, run]) => [
      name,
      (input: never) => withHeartbeat(() => run(input)),
    ]),
  ) as A;
}
