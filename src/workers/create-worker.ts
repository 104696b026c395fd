import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from '../activities';
import type { Database } from '../db/database';
import { TASK_QUEUE, temporalConnectionOptions, temporalNamespace } from '../temporal/connection';
import { fleetContext } from './fleet-context';
import { workflowCode } from './workflow-bundle';

/** How much a worker takes on at once, and how long SIGTERM waits for activities in flight. */
export interface WorkerCapacity {
  maxConcurrentActivityTaskExecutions?: number;
  maxConcurrentWorkflowTaskExecutions?: number;
  maxCachedWorkflows?: number;
  /** Seconds after shutdown begins before activities still running are cancelled. */
  shutdownGraceSeconds?: number;
}

/** A worker for the sync workflows and their activities, bound to one database. */
export async function createWorker(
  options: {
    db: Kysely<Database>;
    connection?: NativeConnection;
    taskQueue?: string;
    /** The workflow code; by default the prebuilt bundle (built now when missing or stale). */
    workflowBundle?: { codePath: string };
  } & WorkerCapacity,
): Promise<Worker> {
  const connection = options.connection ?? (await NativeConnection.connect(temporalConnectionOptions()));
  return Worker.create({
    connection,
    namespace: temporalNamespace(),
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : await workflowCode()),
    activities: createActivities(options.db, fleetContext),
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 64,
    ...(options.maxConcurrentWorkflowTaskExecutions
      ? { maxConcurrentWorkflowTaskExecutions: options.maxConcurrentWorkflowTaskExecutions }
      : {}),
    ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.shutdownGraceSeconds !== undefined
      ? { shutdownGraceTime: `${options.shutdownGraceSeconds} seconds` }
      : {}),
  });
}
