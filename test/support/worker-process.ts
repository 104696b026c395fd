/**
 * A worker in a process of its own, so a test can kill it with SIGKILL mid-run and start another:
 * the production activities on DATABASE_URL, polling WORKER_TASK_QUEUE, with the test run's
 * workflow bundle. Prints "ready" once polling. WORKER_SPREAD_ACTIVITIES=1: no eager activity
 * dispatch (test/support/spawn-worker.ts).
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../../src/activities';
import { createDb } from '../../src/db/connection';
import { workflowCode } from '../../src/workers/workflow-bundle';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: started by a test only.`);
  return value;
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const db = createDb(required('DATABASE_URL'));
  const connection = await NativeConnection.connect({ address: required('TEMPORAL_ADDRESS') });
  const worker = await Worker.create({
    connection,
    taskQueue: required('WORKER_TASK_QUEUE'),
    ...(await workflowCode()),
    activities: createActivities(db),
    // A killed worker's sticky workflow tasks move to another worker after this, not the default 10 s.
    stickyQueueScheduleToStartTimeout: '1s',
    ...(process.env.WORKER_SPREAD_ACTIVITIES === '1'
      ? { maxEagerActivityReservationsPerWorkflowTask: 0 }
      : {}),
  });
  const running = worker.run();
  console.log('ready');
  await running;
  await db.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
