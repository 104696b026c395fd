/**
 * The worker process: connects to Temporal and PostgreSQL (DATABASE_URL), applies migrations,
 * and runs until SIGINT/SIGTERM, when it finishes the tasks in hand and exits.
 */
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { createWorker } from './create-worker';
import { workerTuning } from './worker-tuning';

async function main() {
  const db = createDb(undefined, workerTuning().dbConnections);
  await migrateToLatest(db);
  const worker = await createWorker({ db });
  console.log(`Worker polling task queue "${worker.options.taskQueue}"`);
  try {
    await worker.run();
  } finally {
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
