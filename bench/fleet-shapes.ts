/**
 * The three shapes of `npm run bench:fleet` on a set of schools: the burst (all due at once, on one
 * and on two worker processes, against the floor), the fairness burst (a tenth of the SIS slow or
 * failing) and the steady hour (schedules spread by their offsets, a ramp of rates against each
 * school run alone).
 */
import type { FaultSettingsInput } from '../src/simulator/faults';
import { isType, nextMessage, spawnTs } from './child-processes';
import { cpuParts } from './cpu';
import type { FleetFloorResult } from './fleet-floor-process';
import {
  dbTransactions,
  runBatch,
  quantile,
  startWorkers,
  stopWorkers,
  type BatchResult,
  type FleetContext,
} from './fleet-runs';
import {
  FLEET_CREDENTIALS,
  resetFleetSis,
  scheduleOffsetMs,
  storeFleetSchools,
  type FleetSchool,
} from './fleet-schools';
import { createDatabase } from './setup';

export interface FleetOptions {
  schools: FleetSchool[];
  latencyMs: number;
  hourSeconds: number;
  /** School-runs per hour per worker to try, lowest first. */
  rates: number[];
  soloSchools: number;
  /** The fewest runs a steady step is judged on: its compressed hour is repeated until it has them. */
  stepRuns: number;
  /** Share of the schools whose SIS is slow or failing in the fairness bursts. */
  brokenShare: number;
  slowLatencyMs: number;
}

export interface FleetEnv extends FleetContext {
  postgresUrl: string;
  temporalAddress: string;
}

export interface FleetDatabase {
  name: string;
  workerEnv: NodeJS.ProcessEnv;
}

/** A fresh migrated database with the schools enabled, and the worker environment on it. */
async function fleetDatabase(env: FleetEnv, name: string, schools: FleetSchool[]): Promise<FleetDatabase> {
  const { db, url } = await createDatabase(env.postgresUrl, name);
  await storeFleetSchools(db, schools);
  await db.destroy();
  const workerEnv = {
    ...FLEET_CREDENTIALS,
    DATABASE_URL: url,
    TEMPORAL_ADDRESS: env.temporalAddress,
    BENCH_TASK_QUEUE: env.taskQueue,
    // Node options for the workers alone (e.g. --max-old-space-size=512), not for the bench.
    ...(process.env.BENCH_WORKER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_WORKER_NODE_OPTIONS } : {}),
  };
  return { name, workerEnv };
}

/** Every school's full sync at once, on `workers` worker processes, in a fresh database. */
export async function burst(
  env: FleetEnv,
  options: FleetOptions,
  run: {
    label: string;
    id: string;
    workers: number;
    broken?: { schools: Set<string>; faults: FaultSettingsInput };
  },
): Promise<{ result: BatchResult; database: FleetDatabase }> {
  const database = await fleetDatabase(env, `fleet_${run.id}`, options.schools);
  const workers = await startWorkers(run.workers, database.workerEnv);
  resetFleetSis(options.schools, options.latencyMs);
  for (const school of options.schools) {
    if (run.broken?.schools.has(school.schoolId)) school.simulator.setFaults(run.broken.faults);
  }
  const transactionsBefore = await dbTransactions(env.admin, database.name);
  try {
    const result = await runBatch(env, {
      label: run.label,
      workers,
      database: database.name,
      planned: options.schools.map((school) => ({
        school,
        workflowId: `sync:${school.schoolId}-${run.id}`,
        offsetMs: 0,
      })),
      awaited: (schoolId) => !run.broken?.schools.has(schoolId),
      withCost: !run.broken,
    });
    await stopWorkers(workers);
    const transactions = (await dbTransactions(env.admin, database.name)) - transactionsBefore;
    result.dbTransactionsPerRun =
      transactions / Math.max(1, result.runs.filter((r) => r.status === 'completed').length);
    return { result, database };
  } finally {
    resetFleetSis(options.schools, options.latencyMs);
    await stopWorkers(workers);
  }
}

/** The floor: the same SIS requests and bulk writes for every school at once, without Temporal. */
export interface FleetFloor extends FleetFloorResult {
  /** PostgreSQL's CPU seconds during the floor (its backends included). */
  postgresCpuSeconds?: number;
  /** The bench process's: the simulators answering the floor. */
  benchCpuSeconds: number;
  sisRequestsPerSchool: number[];
  dbTransactionsPerSchool: number;
}

export async function floor(env: FleetEnv, options: FleetOptions): Promise<FleetFloor> {
  const { db, url } = await createDatabase(env.postgresUrl, 'fleet_floor');
  await storeFleetSchools(db, options.schools);
  await db.destroy();
  resetFleetSis(options.schools, options.latencyMs);
  console.log(`[fleet] floor: ${options.schools.length} schools without Temporal`);
  const transactionsBefore = await dbTransactions(env.admin, 'fleet_floor');
  const postgresCpu = () => cpuParts({ postgresDataDir: env.postgresDataDir }).postgres;
  const postgresBefore = postgresCpu();
  const benchBefore = process.cpuUsage();
  const child = spawnTs('fleet-floor-process.ts', { ...FLEET_CREDENTIALS, FLOOR_DATABASE_URL: url });
  child.send({ type: 'schools', configs: options.schools.map((school) => school.config) });
  const result = (await nextMessage(child, isType('result'))) as unknown as FleetFloorResult;
  await new Promise<void>((resolve) =>
    child.exitCode !== null ? resolve() : child.once('exit', () => resolve()),
  );
  const postgresAfter = postgresCpu();
  const bench = process.cpuUsage(benchBefore);
  return {
    ...result,
    benchCpuSeconds: (bench.user + bench.system) / 1e6,
    sisRequestsPerSchool: options.schools.map((school) => school.simulator.getStats().total),
    dbTransactionsPerSchool:
      ((await dbTransactions(env.admin, 'fleet_floor')) - transactionsBefore) / options.schools.length,
    ...(postgresBefore !== undefined && postgresAfter !== undefined
      ? { postgresCpuSeconds: postgresAfter - postgresBefore }
      : {}),
  };
}

/** Every tenth school (by `share`), at least one. */
export function brokenSchools(schools: FleetSchool[], share: number): Set<string> {
  const every = Math.max(1, Math.round(1 / share));
  const broken = schools.filter((_, index) => index % every === every - 1).map((school) => school.schoolId);
  return new Set(broken.length > 0 ? broken : [schools[0]!.schoolId]);
}

export interface SteadyStep {
  /** Planned school-runs per hour on the one worker, and what was run: `runs` over `hourSeconds`. */
  rate: number;
  runs: number;
  result: BatchResult;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** p95 of the step / p95 of the solo runs. */
  p95Ratio: number;
  withinTarget: boolean;
}

export interface SteadyResult {
  solo: BatchResult[];
  soloP50Ms: number;
  soloP95Ms: number;
  soloMaxMs: number;
  steps: SteadyStep[];
  /** The highest rate whose p95 stayed within the target; 0 when none did. */
  capacity: number;
}

const durations = (result: BatchResult) =>
  result.runs.flatMap((run) => (run.durationMs === undefined ? [] : [run.durationMs]));

/**
 * Hourly runs of schools that are already synced (what a fleet runs most of the day), on one
 * worker: first some schools alone, one at a time, then a ramp of rates, each over one compressed
 * hour of `hourSeconds`: a rate of R school-runs per hour runs R x hourSeconds / 3600 schools, each
 * at its stable offset into that window. The ramp stops at the first rate over the target.
 */
export async function steady(
  env: FleetEnv,
  options: FleetOptions,
  database: FleetDatabase,
  target: number,
): Promise<SteadyResult> {
  const workers = await startWorkers(1, database.workerEnv);
  resetFleetSis(options.schools, options.latencyMs);
  try {
    // A fresh worker's first runs load its code paths: a warm-up run is not measured.
    await runBatch(env, {
      label: 'steady: warm-up run',
      workers,
      database: database.name,
      planned: [
        {
          school: options.schools[0]!,
          workflowId: `sync:${options.schools[0]!.schoolId}-warm-up`,
          offsetMs: 0,
        },
      ],
      withCost: false,
    });
    const solo: BatchResult[] = [];
    for (const school of options.schools.slice(0, options.soloSchools)) {
      solo.push(
        await runBatch(env, {
          label: `steady: ${school.schoolId} alone`,
          workers,
          database: database.name,
          planned: [{ school, workflowId: `sync:${school.schoolId}-solo`, offsetMs: 0 }],
        }),
      );
    }
    const soloTimes = solo.flatMap(durations);
    const soloP95Ms = quantile(soloTimes, 0.95);
    const steps: SteadyStep[] = [];
    const periodMs = options.hourSeconds * 1000;
    for (const rate of options.rates) {
      const runs = Math.min(
        options.schools.length,
        Math.max(1, Math.ceil((rate * options.hourSeconds) / 3600)),
      );
      const hours = Math.ceil(options.stepRuns / runs);
      const result = await runBatch(env, {
        label: `steady: ${rate} school-runs/hour (${runs} over ${options.hourSeconds} s, ${hours} time(s))`,
        workers,
        database: database.name,
        planned: Array.from({ length: hours }, (_, hour) =>
          options.schools.slice(0, runs).map((school) => ({
            school,
            workflowId: `sync:${school.schoolId}-steady-${rate}-${hour + 1}`,
            offsetMs: hour * periodMs + scheduleOffsetMs(school.schoolId, periodMs),
          })),
        ).flat(),
      });
      const times = durations(result);
      const p95Ms = quantile(times, 0.95);
      const failed = result.runs.some((run) => run.status !== 'completed');
      const step: SteadyStep = {
        rate: Math.round((runs * 3600) / options.hourSeconds),
        runs,
        result,
        p50Ms: quantile(times, 0.5),
        p95Ms,
        maxMs: Math.max(0, ...times),
        p95Ratio: p95Ms / soloP95Ms,
        withinTarget: !failed && p95Ms <= target * soloP95Ms,
      };
      steps.push(step);
      console.log(
        `[fleet] steady ${step.rate}/h: p50 ${(step.p50Ms / 1000).toFixed(1)} s, p95 ${(p95Ms / 1000).toFixed(1)} s (${step.p95Ratio.toFixed(2)}x solo)`,
      );
      if (!step.withinTarget || runs === options.schools.length) break;
    }
    return {
      solo,
      soloP50Ms: quantile(soloTimes, 0.5),
      soloP95Ms,
      soloMaxMs: Math.max(0, ...soloTimes),
      steps,
      capacity: Math.max(0, ...steps.filter((step) => step.withinTarget).map((step) => step.rate)),
    };
  } finally {
    await stopWorkers(workers);
  }
}
