/**
 * Runs of many schools at once and what they cost: starts SyncWorkflows at given offsets (all at
 * 0 for a burst, spread for the steady shape), waits for them, and measures the worker processes
 * (peak RSS, CPU from /proc), PostgreSQL connections (pg_stat_activity, sampled), each school's SIS
 * requests and each run's Temporal cost.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '../src/db/database';
import { SyncWorkflow } from '../src/workflows/sync';
import { WorkerProcess } from './child-processes';
import { cpuParts } from './cpu';
import type { FleetSchool } from './fleet-schools';
import { meanCost, runCost, type RunCost } from './fleet-histories';

export interface PlannedRun {
  school: FleetSchool;
  workflowId: string;
  /** When to start it, from the batch's start. */
  offsetMs: number;
}

export interface RunOutcome {
  schoolId: string;
  workflowId: string;
  startedMs: number;
  /** Start to result; undefined for a run that failed or was terminated. */
  durationMs?: number;
  status: 'completed' | 'failed' | 'terminated';
  error?: string;
}

export interface BatchResult {
  label: string;
  workers: number;
  runs: RunOutcome[];
  /** First start to the last awaited result. */
  wallMs: number;
  /** SIS requests of each awaited school during the batch. */
  sisRequestsPerSchool: number[];
  sisRequestsByEndpoint: Record<string, number>;
  workerPeakRssBytes: number;
  workerCpuSeconds: number;
  postgresCpuSeconds?: number;
  temporalCpuSeconds?: number;
  benchCpuSeconds: number;
  /** Highest sampled connections of the workers' database: open, and busy (not idle). */
  pgConnectionsOpen: number;
  pgConnectionsBusy: number;
  /** Mean over the completed runs, and the largest history of any of them. */
  cost?: RunCost;
  maxHistoryEvents: number;
  loadAverage1m: number;
  /**
   * Transactions the database committed or rolled back (pg_stat_database), per school-run: each
   * statement outside a transaction counts as one, so this is close to the round trips of work.
   * Read once the workers stopped (a backend reports its counters when it exits); bursts only.
   */
  dbTransactionsPerRun?: number;
}

/** Samples the connections to `database` every 200 ms until stopped. */
function sampleConnections(admin: Kysely<Database>, database: string) {
  let open = 0;
  let busy = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const { rows } = await sql<{ open: number; busy: number }>`
        SELECT count(*)::int AS open, count(*) FILTER (WHERE state <> 'idle')::int AS busy
        FROM pg_stat_activity WHERE datname = ${database}`.execute(admin);
      open = Math.max(open, rows[0]?.open ?? 0);
      busy = Math.max(busy, rows[0]?.busy ?? 0);
      await sleep(200);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
    return { open, busy };
  };
}

export interface FleetContext {
  client: Client;
  taskQueue: string;
  /** A connection to the server's `postgres` database, for pg_stat_activity. */
  admin: Kysely<Database>;
  postgresDataDir: string;
  temporalPid?: number;
}

const errorText = (err: unknown) =>
  err instanceof Error
    ? `${err.message}${err.cause instanceof Error ? `: ${err.cause.message}` : ''}`
    : String(err);

/**
 * Starts `planned` at their offsets on the running `workers`, waits for the runs of `awaited`
 * schools (all by default; the others are then terminated: a fairness run's broken schools), and
 * measures the batch.
 */
export async function runBatch(
  context: FleetContext,
  options: {
    label: string;
    workers: WorkerProcess[];
    database: string;
    planned: PlannedRun[];
    awaited?: (schoolId: string) => boolean;
    withCost?: boolean;
  },
): Promise<BatchResult> {
  const { client, taskQueue } = context;
  const awaited = options.awaited ?? (() => true);
  const schools = options.planned.map((run) => run.school);
  for (const school of schools) school.simulator.resetStats();
  for (const worker of options.workers) worker.resetPeak();
  const cpuOf = () =>
    options.workers.map((worker) => cpuParts({ worker: worker.child.pid, ...parts(context) }));
  const cpuBefore = cpuOf();
  const benchBefore = process.cpuUsage();
  const stopSampling = sampleConnections(context.admin, options.database);

  console.log(
    `[fleet] ${options.label}: ${options.planned.length} runs on ${options.workers.length} worker(s)`,
  );
  const started = performance.now();
  const outcomes = await Promise.all(
    options.planned.map(async (run): Promise<RunOutcome & { awaited: boolean }> => {
      await sleep(Math.max(0, started + run.offsetMs - performance.now()));
      const startedMs = performance.now() - started;
      const base = { schoolId: run.school.schoolId, workflowId: run.workflowId, startedMs };
      const isAwaited = awaited(run.school.schoolId);
      try {
        const handle = await client.workflow.start(SyncWorkflow, {
          taskQueue,
          workflowId: run.workflowId,
          args: [{ schoolId: run.school.schoolId }],
          workflowExecutionTimeout: '30 minutes',
        });
        if (!isAwaited) return { ...base, status: 'terminated', awaited: false };
        await handle.result();
        return {
          ...base,
          durationMs: performance.now() - started - startedMs,
          status: 'completed',
          awaited: true,
        };
      } catch (err) {
        return { ...base, status: 'failed', error: errorText(err), awaited: isAwaited };
      }
    }),
  );
  const wallMs = Math.max(
    0,
    ...outcomes.filter((o) => o.awaited).map((o) => o.startedMs + (o.durationMs ?? 0)),
  );
  const cpuAfter = cpuOf();
  const bench = process.cpuUsage(benchBefore);
  const connections = await stopSampling();
  const loadAverage1m = os.loadavg()[0]!;
  // The broken schools' runs are not what is measured: stop them before the next batch.
  await Promise.all(
    outcomes
      .filter((o) => !o.awaited)
      .map((o) =>
        client.workflow
          .getHandle(o.workflowId)
          .terminate('fleet bench: batch measured')
          .catch(() => {}),
      ),
  );

  const endpoints: Record<string, number> = {};
  const sisRequestsPerSchool = options.planned
    .filter((run) => awaited(run.school.schoolId))
    .map((run) => {
      const stats = run.school.simulator.getStats();
      for (const [endpoint, count] of Object.entries(stats.byEndpoint))
        endpoints[endpoint] = (endpoints[endpoint] ?? 0) + count;
      return stats.total;
    });
  const completed = outcomes.filter((o) => o.status === 'completed');
  const costs =
    options.withCost === false
      ? []
      : await costsOf(
          client,
          completed.map((o) => o.workflowId),
        );
  const diff = (pick: (i: number, when: typeof cpuBefore) => number | undefined) =>
    cpuBefore.reduce((sum, _, i) => sum + ((pick(i, cpuAfter) ?? 0) - (pick(i, cpuBefore) ?? 0)), 0);
  const failed = outcomes.filter((o) => o.awaited && o.status === 'failed');
  if (failed.length > 0)
    console.warn(`[fleet] ${options.label}: ${failed.length} run(s) failed, e.g. ${failed[0]!.error}`);
  return {
    label: options.label,
    workers: options.workers.length,
    runs: outcomes.map(({ awaited: _awaited, ...outcome }) => outcome),
    wallMs,
    sisRequestsPerSchool,
    sisRequestsByEndpoint: endpoints,
    workerPeakRssBytes: Math.max(0, ...options.workers.map((worker) => worker.peakRssBytes)),
    workerCpuSeconds: diff((i, when) => when[i]!.worker),
    postgresCpuSeconds: delta(cpuBefore[0]?.postgres, cpuAfter[0]?.postgres),
    temporalCpuSeconds: delta(cpuBefore[0]?.temporal, cpuAfter[0]?.temporal),
    benchCpuSeconds: (bench.user + bench.system) / 1e6,
    pgConnectionsOpen: connections.open,
    pgConnectionsBusy: connections.busy,
    ...(costs.length > 0 ? { cost: meanCost(costs) } : {}),
    maxHistoryEvents: Math.max(0, ...costs.map((cost) => cost.largestHistory)),
    loadAverage1m,
  };
}

const parts = (context: FleetContext) => ({
  temporal: context.temporalPid,
  postgresDataDir: context.postgresDataDir,
});

const delta = (before: number | undefined, after: number | undefined) =>
  before === undefined || after === undefined ? undefined : after - before;

/** The runs' costs, fetched a few at a time. */
async function costsOf(client: Client, workflowIds: string[]): Promise<RunCost[]> {
  const costs: RunCost[] = [];
  for (let i = 0; i < workflowIds.length; i += 16) {
    costs.push(...(await Promise.all(workflowIds.slice(i, i + 16).map((id) => runCost(client, id)))));
  }
  return costs;
}

/** Transactions committed and rolled back in `database` so far, as its backends reported them. */
export async function dbTransactions(admin: Kysely<Database>, database: string): Promise<number> {
  const { rows } = await sql<{ count: string }>`
    SELECT (xact_commit + xact_rollback)::text AS count FROM pg_stat_database WHERE datname = ${database}`.execute(
    admin,
  );
  return Number(rows[0]?.count ?? 0);
}

/** Starts `count` worker processes on the bench's task queue and database. */
export async function startWorkers(count: number, env: NodeJS.ProcessEnv): Promise<WorkerProcess[]> {
  return Promise.all(Array.from({ length: count }, () => WorkerProcess.start(env)));
}

export async function stopWorkers(workers: WorkerProcess[]): Promise<void> {
  await Promise.all(workers.map((worker) => worker.stop()));
}

/**
 * The value at quantile q (0..1) of `values`, linearly interpolated between the nearest ranks (as
 * numpy's default): by nearest rank the p95 of fewer than 20 runs is their maximum, one hiccup.
 */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const above = Math.min(sorted.length - 1, below + 1);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}
