/**
 * Per-test-file real parts: a fresh PostgreSQL database (migrated), a Temporal client and worker on
 * a task queue of its own, and a simulator over HTTP on loopback. `npm test` provides the servers.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { createActivities } from '../../src/activities';
import { enableSchool } from '../../src/client/school-schedules';
import { loadSchoolConfig } from '../../src/config/load-school-config';
import type { SchoolConfig } from '../../src/config/school-config';
import { createDb } from '../../src/db/connection';
import type { Database } from '../../src/db/database';
import { migrateToLatest } from '../../src/db/migrate';
import { projectRoot } from '../../src/infra/paths';
import { workflowCode } from '../../src/workers/workflow-bundle';
import { SyncWorkflow } from '../../src/workflows/sync';
import type { SyncResult } from '../../src/workflows/sync';
import {
  createSimulator,
  DEFAULT_PASSWORD,
  DEFAULT_USERNAME,
  type Simulator,
} from '../../src/simulator/server';
import { generateDataset } from '../../src/simulator/generate';
import type { Dataset } from '../../src/simulator/dataset';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\`.`);
  return value;
}

// Worker lifecycle chatter drowns test output; warnings and errors still show.
Runtime.install({ logger: new DefaultLogger('WARN') });

export interface TestEnvironment {
  db: Kysely<Database>;
  databaseUrl: string;
  client: Client;
  taskQueue: string;
  simulator: Simulator;
  config: SchoolConfig;
  worker: Worker;
  close(): Promise<void>;
}

/** The URL of a fresh, empty database on the test run's PostgreSQL (or on the server `adminUrl` names). */
export async function createEmptyTestDatabase(adminUrl = required('TEST_DATABASE_URL')): Promise<string> {
  const name = `t_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = createDb(adminUrl, 1);
  await sql.raw(`CREATE DATABASE ${name}`).execute(admin);
  await admin.destroy();
  return adminUrl.replace(/\/[^/]*$/, `/${name}`);
}

/** A fresh, migrated database on the test run's PostgreSQL (or on the server `adminUrl` names). */
export async function createTestDatabase(
  adminUrl = required('TEST_DATABASE_URL'),
): Promise<{ db: Kysely<Database>; url: string }> {
  const url = await createEmptyTestDatabase(adminUrl);
  const db = createDb(url, 20);
  await migrateToLatest(db);
  return { db, url };
}

export async function startTestEnvironment(
  options: {
    dataset?: Dataset;
    schoolId?: string;
    configure?: (config: SchoolConfig) => void;
    /** Another PostgreSQL server than the test run's, e.g. one a test stops and starts. */
    postgresUrl?: string;
  } = {},
): Promise<TestEnvironment> {
  const { db, url } = await createTestDatabase(options.postgresUrl);
  const simulator = await createSimulator({
    dataset: options.dataset ?? generateDataset({ preset: 'small', seed: 7 }),
  });
  process.env.DEMO_SIS_USERNAME = DEFAULT_USERNAME;
  process.env.DEMO_SIS_PASSWORD = DEFAULT_PASSWORD;
  const config = loadSchoolConfig(`${projectRoot}/config/schools/demo.json`);
  config.schoolId = options.schoolId ?? `test-${randomUUID().slice(0, 8)}`;
  config.sis.baseUrl = simulator.url;
  config.sis.requestTimeoutMs = 2_000;
  // Tests of what one run does see every run read everything; incremental-sync.test.ts sets a schedule.
  config.schedule.fullSyncEvery = '0s';
  options.configure?.(config);

  const taskQueue = `test-${config.schoolId}-${randomUUID().slice(0, 8)}`;
  const address = required('TEMPORAL_ADDRESS');
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue,
    ...(await workflowCode()),
    activities: createActivities(db),
    maxConcurrentActivityTaskExecutions: 16,
  });
  const running = worker.run();
  await enableSchool(db, client, config, { taskQueue, paused: true });

  return {
    db,
    databaseUrl: url,
    client,
    taskQueue,
    simulator,
    config,
    worker,
    async close() {
      worker.shutdown();
      await running;
      await nativeConnection.close();
      await connection.close();
      await simulator.close();
      await db.destroy();
    },
  };
}

let runNumber = 0;

/** Runs SyncWorkflow for the environment's school to completion, as the schedule would. */
export async function runSync(env: TestEnvironment): Promise<SyncResult> {
  runNumber++;
  return env.client.workflow.execute(SyncWorkflow, {
    taskQueue: env.taskQueue,
    workflowId: `sync:${env.config.schoolId}-test-${runNumber}-${Date.now()}`,
    args: [{ schoolId: env.config.schoolId }],
  });
}

/** The school's most recent run as sync_runs records it: its status and message. */
export function latestRun(env: TestEnvironment) {
  return env.db
    .selectFrom('sync_runs')
    .select(['status', 'message'])
    .where('school_id', '=', env.config.schoolId)
    .orderBy('id', 'desc')
    .executeTakeFirstOrThrow();
}
