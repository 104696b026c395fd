/**
 * The worker process: connects to Temporal and PostgreSQL (DATABASE_URL), applies migrations,
 * and runs until SIGINT/SIGTERM, when it finishes the tasks in hand and exits. Its ops server
 * (OPS_PORT, default 9464) serves /metrics and /healthz.
 */
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { createWorker } from './create-worker';
import { opsServerSettings, startOpsServer } from './ops-server';
import { installTemporalRuntime } from './temporal-runtime';

async function main() {
  const ops = opsServerSettings();
  const sdkMetricsUrl = ops ? await installTemporalRuntime() : undefined;
  // Up before migrations, so a slow start reads as alive; /readyz is wired beside it once it exists.
  const opsServer = ops ? await startOpsServer({ ...ops, sdkMetricsUrl }) : undefined;
  if (opsServer) console.log(`Worker metrics at ${opsServer.url}/metrics`);
  const db = createDb();
  await migrateToLatest(db);
  const worker = await createWorker({ db });
  console.log(`Worker polling task queue "${worker.options.taskQueue}"`);
  try {
    await worker.run();
  } finally {
    await opsServer?.close();
    await db.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
