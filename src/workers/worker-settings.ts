/** The worker process's settings, from its environment only (docs/deploy.md lists them). */
import { z } from 'zod';
import { durationSeconds, logLevel, readProcessEnv, wholeNumber } from '../config/process-env';

const workerEnv = z.object({
  /** After SIGTERM, how long activities in flight may run before they are cancelled. */
  WORKER_SHUTDOWN_GRACE: durationSeconds(30),
  WORKER_MAX_CONCURRENT_ACTIVITIES: wholeNumber(16),
  WORKER_MAX_CONCURRENT_WORKFLOW_TASKS: wholeNumber(40),
  /** Connections of this worker's PostgreSQL pool: enough for its concurrent activities. */
  DATABASE_POOL_MAX: wholeNumber(20),
  LOG_LEVEL: logLevel,
});

export type WorkerSettings = z.infer<typeof workerEnv>;

export const readWorkerSettings = (env: NodeJS.ProcessEnv = process.env): WorkerSettings =>
  readProcessEnv(workerEnv, env);
