import { NativeConnection, Worker } from '@temporalio/worker';
import type { Kysely } from 'kysely';
import { createActivities } from '../activities';
import type { Database } from '../db/database';
import { TASK_QUEUE, temporalConnectionOptions, temporalNamespace } from '../temporal/connection';
import { workflowCode } from './workflow-bundle';
import { workerTuning } from './worker-tuning';

/** The SDK's slot options of workerTuning(). */
function workerSlots() {
  const { dbConnections: _pool, ...slots } = workerTuning();
  return slots;
}

/** A worker for the sync workflows and their activities, bound to one database. */
export async function createWorker(options: {
  db: Kysely<Database>;
  connection?: NativeConnection;
  taskQueue?: string;
}): Promise<Worker> {
  const connection = options.connection ?? (await NativeConnection.connect(temporalConnectionOptions()));
  return Worker.create({
    connection,
    namespace: temporalNamespace(),
    taskQueue: options.taskQueue ?? TASK_QUEUE,
    ...(await workflowCode()),
    activities: createActivities(options.db),
    ...workerSlots(),
  });
}
