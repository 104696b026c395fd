/**
 * The worker's slot settings, from the environment so a fleet's workers can be sized without a
 * code change. Activities wait on the SIS most of the time (a page is a few requests of 100 ms or
 * more), so one process runs many at once: 64 by default, where 16 left a burst of schools queued
 * behind each other's SIS latency (docs/benchmarks.md, "Fleet"). One school's run never has more
 * than 16 activities in flight (its workflows' own concurrency), and its SIS budget
 * (`maxConcurrentRequests`) is enforced by its client, not by these slots.
 */
import { z } from 'zod';

const slots = z.coerce.number().int().min(1);

const tuningSchema = z.object({
  WORKER_MAX_CONCURRENT_ACTIVITIES: slots.default(64),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: slots.optional(),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  WORKER_DB_CONNECTIONS: slots.default(10),
});

export interface WorkerTuning {
  /** The worker's PostgreSQL pool: an activity holds a connection only for its writes. */
  dbConnections: number;
  maxConcurrentActivityTaskExecutions: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxCachedWorkflows?: number;
}

/** Throws naming the variable and the fix when a setting is not a whole number. */
export function workerTuning(env: NodeJS.ProcessEnv = process.env): WorkerTuning {
  const parsed = tuningSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(
      `${String(issue.path[0])}=${env[String(issue.path[0])]} is not valid: ${issue.message}. Set a whole number of slots, or unset it for the default.`,
    );
  }
  const tuning = parsed.data;
  return {
    dbConnections: tuning.WORKER_DB_CONNECTIONS,
    maxConcurrentActivityTaskExecutions: tuning.WORKER_MAX_CONCURRENT_ACTIVITIES,
    ...(tuning.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS !== undefined
      ? { maxConcurrentWorkflowTaskExecutions: tuning.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS }
      : {}),
    ...(tuning.WORKER_MAX_CACHED_WORKFLOWS !== undefined
      ? { maxCachedWorkflows: tuning.WORKER_MAX_CACHED_WORKFLOWS }
      : {}),
  };
}
