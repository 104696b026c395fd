/**
 * `npm start`: the main job end to end on embedded defaults. Starts (or reuses) the Temporal dev
 * server with its Web UI, embedded PostgreSQL and the Campus Cloud simulator with the demo
 * dataset; runs the worker; enables the demo school; runs a first sync and prints its counts.
 * Then keeps the worker and the hourly schedule going until Ctrl-C (or exits with --once).
 * Data lives in .data/, so starting again reuses it.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { Command } from 'commander';
import path from 'node:path';
import { formatRunCounts } from '../client/format';
import { enableSchool, triggerSync } from '../client/school-schedules';
import { loadSchoolConfig } from '../config/load-school-config';
import { ensureDemoAdmin } from './demo-admin';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { createHttpServer } from '../http/server';
import { createLogger } from '../logging/logger';
import { exitOnFailure } from '../logging/exit-on-failure';
import { temporalLogger } from '../logging/temporal-logger';
import { formatPosting, seedDemoCheckIns } from './demo-attendance';
import {
  LOCAL_HTTP_PORT,
  LOCAL_POSTGRES_PORT,
  LOCAL_SIMULATOR_PORT,
  LOCAL_TEMPORAL_PORT,
  LOCAL_TEMPORAL_UI_PORT,
  localPostgresDir,
  localTemporalDbFile,
  useSimulatorServiceAccount,
} from '../infra/local-defaults';
import { projectRoot } from '../infra/paths';
import { installTemporalCli } from '../infra/temporal-cli';
import { isListening } from '../infra/ports';
import { startTemporalDevServer } from '../infra/temporal-dev-server';
import { createSimulator } from '../simulator/server';
import { generateDataset } from '../simulator/generate';
import { temporalConnectionOptions, temporalNamespace, workflowUrl } from '../temporal/connection';
import { createWorker } from '../workers/create-worker';
import { opsServerSettings, startOpsServer } from '../workers/ops-server';
import { installTemporalRuntime } from '../workers/temporal-runtime';
import { ensureFleetWatchSchedule } from '../workers/fleet-watch-schedule';
import type { SyncWorkflow } from '../workflows/sync';

const program = new Command('npm start')
  .description('run the main job on embedded defaults')
  .option(
    '-c, --config <file>',
    'School Configuration file',
    path.join(projectRoot, 'config/schools/demo.json'),
  )
  .option('--once', 'stop everything after the first sync')
  .parse();
const options = program.opts<{ config: string; once?: boolean }>();

// What the demo tells its user is console output; what goes wrong (and, with LOG_LEVEL=info, the
// request log) is JSON log lines, as in the production processes.
const log = (message: string) => console.log(`» ${message}`);
const logger = createLogger({ name: 'dev', level: process.env.LOG_LEVEL ? undefined : 'warn' });

async function main() {
  const ops = opsServerSettings();
  // With the worker's ops server (OPS_PORT, default 9464), the Temporal SDK's metrics too.
  const sdkMetricsUrl = await installTemporalRuntime({ logger: temporalLogger(logger), metrics: !!ops });
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse())
      await stop().catch((err: unknown) => logger.error({ err }, 'stopping failed'));
  };

  try {
    // Temporal: a cluster named by TEMPORAL_ADDRESS, else the local dev server (kept in .data/).
    let uiUrl = process.env.TEMPORAL_UI_URL ?? `http://127.0.0.1:${LOCAL_TEMPORAL_UI_PORT}`;
    if (!process.env.TEMPORAL_ADDRESS) {
      installTemporalCli();
      const temporal = await startTemporalDevServer({
        port: LOCAL_TEMPORAL_PORT,
        uiPort: LOCAL_TEMPORAL_UI_PORT,
        dbFile: localTemporalDbFile,
      });
      uiUrl = temporal.uiUrl;
      process.env.TEMPORAL_UI_URL = uiUrl;
      stops.push(temporal.stop);
      log(`Temporal dev server at ${temporal.address}${temporal.process ? '' : ' (already running)'}`);
    }

    if (!process.env.DATABASE_URL) {
      const postgres = await startEmbeddedPostgres({ dataDir: localPostgresDir, port: LOCAL_POSTGRES_PORT });
      stops.push(postgres.stop);
      log(
        `PostgreSQL (embedded) at 127.0.0.1:${LOCAL_POSTGRES_PORT}, data in ${path.relative(projectRoot, localPostgresDir)}`,
      );
    }
    const db = createDb(undefined, undefined, logger);
    stops.push(() => db.destroy());
    await migrateToLatest(db);

    const config = loadSchoolConfig(options.config);
    const simulatorUrl = `http://127.0.0.1:${LOCAL_SIMULATOR_PORT}/api`;
    if (config.sis.baseUrl === simulatorUrl) {
      if (await isListening('127.0.0.1', LOCAL_SIMULATOR_PORT)) {
        log(`Campus Cloud simulator already running at ${simulatorUrl}`);
      } else {
        const simulator = await createSimulator({
          dataset: generateDataset({ preset: 'small', seed: 1 }),
          port: LOCAL_SIMULATOR_PORT,
        });
        stops.push(() => simulator.close());
        log(`Campus Cloud simulator (demo dataset) at ${simulator.url}`);
      }
      useSimulatorServiceAccount(config);
    }

    const nativeConnection = await NativeConnection.connect(temporalConnectionOptions());
    stops.push(() => nativeConnection.close());
    const worker = await createWorker({ db, connection: nativeConnection });
    const workerDone = worker.run();
    stops.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await workerDone;
    });
    log(`Worker polling task queue "${worker.options.taskQueue}"`);
    if (ops) {
      const opsServer = await startOpsServer({ ...ops, sdkMetricsUrl }).catch((err: Error) => {
        log(`Worker metrics not served: ${err.message}`);
        return undefined;
      });
      if (opsServer) {
        stops.push(() => opsServer.close());
        log(`Worker metrics (Prometheus) at ${opsServer.url}/metrics`);
      }
    }

    const connection = await Connection.connect(temporalConnectionOptions());
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: temporalNamespace() });
    const enabled = await enableSchool(db, client, config);
    await ensureFleetWatchSchedule(client);
    log(
      `${enabled.created ? 'Enabled' : 'Updated'} ${config.schoolId}: schedule ${enabled.scheduleId} every ${config.schedule.interval}`,
    );

    const http = await createHttpServer({ db, temporalUiUrl: uiUrl, temporal: client, logger });
    const httpUrl = await http.listen({ host: '127.0.0.1', port: LOCAL_HTTP_PORT });
    stops.push(() => http.close());
    log(`CourseKey API and Integrations Insight Dashboard at ${httpUrl} (its metrics at ${httpUrl}/metrics)`);
    const demoAdmin = await ensureDemoAdmin(db, config.schoolId);
    log(
      `Dashboard: ${httpUrl}/dashboard  sign in as ${demoAdmin.email} / ${demoAdmin.password} (new password each start)`,
    );

    if (config.sis.baseUrl === simulatorUrl) {
      const seeded = await seedDemoCheckIns(db, config, `http://127.0.0.1:${LOCAL_SIMULATOR_PORT}/_admin`);
      if (seeded) log(`Demo check-ins for past sessions: ${seeded}`);
    }
    const workflowId = await triggerSync(client, config.schoolId);
    log(`Sync run ${workflowId}\n  ${workflowUrl(workflowId, uiUrl)}`);
    const summary = await client.workflow.getHandle<typeof SyncWorkflow>(workflowId).result();
    console.log(`\n${formatRunCounts(summary.counts)}\n\n${formatPosting(summary.posting)}\n`);
    log(`Temporal Web UI: ${uiUrl}`);
    log(`Status: npm run cli -- status --school ${config.schoolId}`);

    if (options.once) {
      worker.shutdown();
    } else {
      log('Running: the schedule syncs every interval. Ctrl-C stops everything.');
    }
    // Ctrl-C / SIGTERM: the Temporal runtime shuts the worker down; then the rest stops in order.
    await workerDone;
  } finally {
    await stopAll();
    log('Stopped.');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => exitOnFailure(logger, err, 'npm start stopped'),
);
