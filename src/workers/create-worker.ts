import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from '../activities';
import type { Database } from '../db/database';
import { TASK_QUEUE, temporalConnectionOptions, temporalNamespace } from '../temporal/connection';
import { fleetContext } from './fleet-context';
import { workflowCode } from './workflow-bundle';

/** How much a worker takes on at once, and how long SIGTERM waits for activities in flight. */
export interface WorkerCapacity {
  /** The most activities at once (64 unless given). */
  maxConcurrentActivityTaskExecutions?: number;
  /**
   * Below 1: half of the activity slots are always there, the rest are handed out while the host's
   * CPU use is below this fraction (Temporal's resource-based slot supplier). Unset: all, always.
   */
  activityCpuTarget?: number;
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
    ...activitySlots(options),
    ...(options.maxCachedWorkflows ? { maxCachedWorkflows: options.maxCachedWorkflows } : {}),
    ...(options.shutdownGraceSeconds !== undefined
      ? { shutdownGraceTime: `${options.shutdownGraceSeconds} seconds` }
      : {}),
  });
}

/** The SDK's own slot counts, which a tuner does not fill in. */
const SDK_DEFAULT_SLOTS = { workflowTasks: 40, localActivities: 100, nexusTasks: 100 };

/** Fixed activity slots, or (with a CPU target below 1) a floor of half of them and the rest by CPU. */
function activitySlots(capacity: WorkerCapacity): Partial<WorkerOptions> {
  const max = capacity.maxConcurrentActivityTaskExecutions ?? 64;
  const workflowTasks = capacity.maxConcurrentWorkflowTaskExecutions;
  if (capacity.activityCpuTarget === undefined || capacity.activityCpuTarget >= 1)
    return {
      maxConcurrentActivityTaskExecutions: max,
      ...(workflowTasks ? { maxConcurrentWorkflowTaskExecutions: workflowTasks } : {}),
    };
  return {
    tuner: {
      workflowTaskSlotSupplier: {
        type: 'fixed-size',
        numSlots: workflowTasks ?? SDK_DEFAULT_SLOTS.workflowTasks,
      },
      activityTaskSlotSupplier: {
        type: 'resource-based',
        minimumSlots: Math.ceil(max / 2),
        maximumSlots: max,
        rampThrottle: '50ms',
        // Memory is bounded by the worker's heap limit (WORKER_HEAP_MB), not by the host's use.
        tunerOptions: { targetCpuUsage: capacity.activityCpuTarget, targetMemoryUsage: 0.95 },
      },
      localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: SDK_DEFAULT_SLOTS.localActivities },
      nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: SDK_DEFAULT_SLOTS.nexusTasks },
    },
  };
}
