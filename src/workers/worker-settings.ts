/** The worker process's settings, from its environment only (docs/deploy.md lists them). */
import { z } from 'zod';
import type { WorkerCapacity } from './create-worker';
import { durationSeconds, fraction, logLevel, readProcessEnv, wholeNumber } from '../config/process-env';

const workerEnv = z.object({
  /** After SIGTERM, how long activities in flight may run before they are cancelled. */
  WORKER_SHUTDOWN_GRACE: durationSeconds(30),
  /**
   * Activities wait on the SIS most of the time (a page is a few requests of 100 ms or more), so
   * one process runs many at once: 16 left a burst of schools queued behind each other's SIS
   * latency (docs/benchmarks.md, "Fleet"). One school's run never has more than 16 activities in
   * flight, and its SIS budget (`maxConcurrentRequests`) is enforced by its client, not by these.
   */
  WORKER_MAX_CONCURRENT_ACTIVITIES: wholeNumber(128),
  /**
   * Half of those slots are always there; the rest are handed out only while the host's CPU use is
   * below this fraction, so schools waiting on a slow SIS cannot hold every slot while the CPU
   * idles, and a busy host takes on no more than it can run. 1 hands out every slot regardless.
   */
  WORKER_ACTIVITY_CPU_TARGET: fraction(0.85),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: wholeNumber(40),
  /**
   * Workflows kept in memory between their tasks; one evicted is replayed from its history on its
   * next task. A run is three workflows, so a burst of 200 schools keeps 600 open; the SDK's
   * default follows the heap limit (about 190 at WORKER_HEAP_MB=512) and would replay most of them.
   */
  WORKER_MAX_CACHED_WORKFLOWS: wholeNumber(1000),
  /** Connections of this worker's PostgreSQL pool: enough for its concurrent activities. */
  DATABASE_POOL_MAX: wholeNumber(20),
  LOG_LEVEL: logLevel,
});

export type WorkerSettings = z.infer<typeof workerEnv>;

export const readWorkerSettings = (env: NodeJS.ProcessEnv = process.env): WorkerSettings =>
  readProcessEnv(workerEnv, env);

/** The slots and workflow cache `createWorker` takes, from the settings (`npm run worker`, the benches). */
export const workerSlots = (settings: WorkerSettings): WorkerCapacity => ({
  maxConcurrentActivityTaskExecutions: settings.WORKER_MAX_CONCURRENT_ACTIVITIES,
  activityCpuTarget: settings.WORKER_ACTIVITY_CPU_TARGET,
  maxConcurrentWorkflowTaskExecutions: settings.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
  maxCachedWorkflows: settings.WORKER_MAX_CACHED_WORKFLOWS,
});
