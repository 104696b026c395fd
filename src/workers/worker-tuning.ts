/**
 * The worker's slot settings, from the environment so a fleet's workers can be sized without a
 * code change. Activities wait on the SIS most of the time (a page is a few requests of 100 ms or
 * more), so one process runs many at once; each school's SIS budget (`maxConcurrentRequests`) is
 * enforced by its client, not by these slots.
 */
import { z } from 'zod';

const slots = z.coerce.number().int().min(1);

const tuningSchema = z.object({
  WORKER_MAX_CONCURRENT_ACTIVITIES: slots.default(16),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: slots.optional(),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
});

export interface WorkerTuning {
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
    maxConcurrentActivityTaskExecutions: tuning.WORKER_MAX_CONCURRENT_ACTIVITIES,
    ...(tuning.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS !== undefined
      ? { maxConcurrentWorkflowTaskExecutions: tuning.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS }
      : {}),
    ...(tuning.WORKER_MAX_CACHED_WORKFLOWS !== undefined
      ? { maxCachedWorkflows: tuning.WORKER_MAX_CACHED_WORKFLOWS }
      : {}),
  };
}
