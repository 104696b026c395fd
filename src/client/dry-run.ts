/**
 * `npm run dry-run -- --config <file>`: the enablement dry run for integration staff. Validates the
 * configuration (failing fast on a bad file), runs EnablementDryRunWorkflow against the school's SIS
 * with a worker of its own (credentials come from this shell's environment), shows progress, then
 * prints and saves the report (Markdown and JSON). Exit code 2 when blocking problems exist.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Runtime } from '@temporalio/worker';
import { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCounts } from '../db/run-bookkeeping';
import { resolveCredentials } from '../config/credentials';
import { loadSchoolConfig } from '../config/load-school-config';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { createLogger } from '../logging/logger';
import { temporalLogger } from '../logging/temporal-logger';
import { useSimulatorServiceAccount } from '../infra/local-defaults';
import { projectRoot } from '../infra/paths';
import {
  temporalAddress,
  temporalConnectionOptions,
  temporalNamespace,
  workflowUrl,
} from '../temporal/connection';
import { createWorker } from '../workers/create-worker';
import { EnablementDryRunWorkflow } from '../workflows/enablement-dry-run';
import { schoolSearchAttributes } from '../workflows/search-attributes';
import { rootCause } from '../workflows/sync';
import { buildDryRunReport, renderDryRunMarkdown } from './dry-run-report';
import { ensureSearchAttributes } from './search-attributes';

const options = new Command('npm run dry-run --')
  .description(
    'enablement dry run: what a sync of this school would do, and every problem found; writes nothing',
  )
  .requiredOption('-c, --config <file>', 'School Configuration file (JSON)')
  .option('-o, --out <dir>', 'where to save the report', path.join(projectRoot, 'reports'))
  .parse()
  .opts<{ config: string; out: string }>();

async function progressLine(
  db: ReturnType<typeof createDb>,
  workflowId: string,
): Promise<string | undefined> {
  const run = await db
    .selectFrom('sync_runs')
    .select('id')
    .where('workflow_id', '=', workflowId)
    .executeTakeFirst();
  if (!run) return undefined;
  const counts = await runCounts(db, run.id);
  return `  fetched so far: ${counts.courses.fetched} courses, ${counts.users.fetched} users, ${counts.course_members.fetched} course members, ${counts.class_sessions.fetched} class sessions`;
}

async function main(): Promise<number> {
  const config = loadSchoolConfig(options.config);
  useSimulatorServiceAccount(config);
  // The worker below runs in this shell, so the credentials must resolve here: say so before starting.
  resolveCredentials(config, options.config);
  // A failed activity is the run's outcome, told below in one sentence: the worker's warnings with
  // their stack traces would bury it. Errors of the worker itself still show, as JSON log lines.
  Runtime.install({
    logger: temporalLogger(createLogger({ name: 'dry-run', level: 'error', destination: process.stderr })),
  });

  const db = createDb();
  let connection: Connection;
  try {
    await migrateToLatest(db);
    connection = await Connection.connect(temporalConnectionOptions());
  } catch (err) {
    await db.destroy();
    throw new Error(
      `Cannot reach PostgreSQL or Temporal (${temporalAddress()}): start them with \`npm start\` in another terminal, or set DATABASE_URL and TEMPORAL_ADDRESS. (${(err as Error).message})`,
    );
  }
  const client = new Client({ connection, namespace: temporalNamespace() });
  const nativeConnection = await NativeConnection.connect(temporalConnectionOptions());
  // A worker of its own: the SIS credentials are this shell's, and no running worker is needed.
  const taskQueue = `dry-run-${randomUUID()}`;
  const worker = await createWorker({ db, connection: nativeConnection, taskQueue });
  const workerDone = worker.run();

  try {
    const workflowId = `dry-run:${config.schoolId}-${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`;
    const link = workflowUrl(workflowId);
    console.log(
      `Dry run of ${config.schoolId} against ${config.sis.baseUrl} (${config.environment})\n  ${link}`,
    );
    await ensureSearchAttributes(client);
    const handle = await client.workflow.start(EnablementDryRunWorkflow, {
      taskQueue,
      workflowId,
      args: [{ config }],
      typedSearchAttributes: schoolSearchAttributes(config.schoolId),
    });
    const result = handle.result();
    let done = false;
    result.finally(() => (done = true)).catch(() => {});
    let last: string | undefined;
    while (!done) {
      const line = await progressLine(db, workflowId);
      if (line && line !== last) console.log(line);
      last = line;
      await Promise.race([sleep(1000), result.catch(() => {})]);
    }
    const final = await progressLine(db, workflowId);
    if (final && final !== last) console.log(final);
    try {
      await result;
    } catch (err) {
      console.error(rootCause(err));
      return 1;
    }

    const run = await db
      .selectFrom('sync_runs')
      .select('id')
      .where('workflow_id', '=', workflowId)
      .executeTakeFirstOrThrow();
    const report = await buildDryRunReport(db, run.id);
    const markdown = renderDryRunMarkdown(report, link);
    mkdirSync(options.out, { recursive: true });
    const base = path.join(options.out, workflowId.replace(/[:]/g, '_'));
    writeFileSync(`${base}.json`, JSON.stringify(report, null, 2));
    writeFileSync(`${base}.md`, markdown);
    console.log(`\n${markdown}\nReport saved: ${base}.md and ${base}.json`);
    return report.blockingProblems > 0 ? 2 : 0;
  } finally {
    worker.shutdown();
    await workerDone;
    await nativeConnection.close();
    await connection.close();
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
