/**
 * `npm run bench:fleet`: many schools at once on shared workers (issue 13). N schools, each its own
 * campus with a generated `small` dataset (seed = its number) behind its own simulator with a
 * per-request latency, enabled in a database of their own per measurement; a Temporal dev server
 * and embedded PostgreSQL on free ports; workers in processes of their own (bench/worker-process.ts).
 *
 *   --shape burst|steady|fairness|all   (default all)
 *   --schools N          (default 200)     --latency-ms MS   (default 100)
 *   --hour-seconds S     (default 120: the steady shape's compressed hour)
 *   --rates R1,R2,...    (default 500,1000,2000,4000 school-runs per hour per worker)
 *   --solo-schools K     (default 10: schools run alone for the steady reference)
 *   --step-runs K        (default 30: the fewest runs a steady step is judged on; its hour repeats)
 *
 * Prints the figures, writes bench/results/fleet.json and the generated "Fleet" block of
 * docs/benchmarks.md. Worker slots come from the environment (WORKER_MAX_CONCURRENT_ACTIVITIES, ...);
 * BENCH_WORKER_NODE_OPTIONS gives the workers alone Node options (e.g. --max-old-space-size=512).
 */
import { Client, Connection } from '@temporalio/client';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot } from '../src/infra/paths';
import { requireTemporalCli } from '../src/infra/temporal-cli';
import { startThrowawayServers } from '../src/infra/throwaway-servers';
import { readWorkerSettings } from '../src/workers/worker-settings';
import { renderFleet, type FleetResults } from './fleet-report';
import { startFleetSchools, stopFleetSchools } from './fleet-schools';
import {
  brokenSchools,
  burst,
  floor,
  steady,
  type FleetDatabase,
  type FleetEnv,
  type FleetOptions,
} from './fleet-shapes';
import { machineInfo, openDb, runBench, sourceRevision, type Cleanups } from './setup';

const TARGETS = {
  floorRatio: 2,
  twoWorkerSpeedup: 1.4,
  workerRssBytes: 1024 ** 3,
  steadyP95: 1.5,
  steadyRate: 1000,
  fairness: 1.2,
};

const SHAPES = ['burst', 'steady', 'fairness', 'all'] as const;

function parseFlags() {
  const { values } = parseArgs({
    options: {
      shape: { type: 'string', default: 'all' },
      schools: { type: 'string', default: '200' },
      'latency-ms': { type: 'string', default: '100' },
      'hour-seconds': { type: 'string', default: '120' },
      rates: { type: 'string', default: '500,1000,2000,4000' },
      'solo-schools': { type: 'string', default: '10' },
      'step-runs': { type: 'string', default: '30' },
    },
  });
  const whole = (name: string, value: string, min: number) => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < min)
      throw new Error(`--${name} ${value}: expected a whole number of at least ${min}.`);
    return number;
  };
  const shape = values.shape as (typeof SHAPES)[number];
  if (!SHAPES.includes(shape))
    throw new Error(`--shape ${values.shape}: expected one of ${SHAPES.join(', ')}.`);
  return {
    shape,
    schools: whole('schools', values.schools, 1),
    latencyMs: whole('latency-ms', values['latency-ms'], 0),
    hourSeconds: whole('hour-seconds', values['hour-seconds'], 10),
    rates: values.rates
      .split(',')
      .map((rate) => whole('rates', rate.trim(), 1))
      .sort((a, b) => a - b),
    soloSchools: whole('solo-schools', values['solo-schools'], 1),
    stepRuns: whole('step-runs', values['step-runs'], 1),
  };
}

const docsFile = path.join(projectRoot, 'docs', 'benchmarks.md');
const resultsFile = path.join(projectRoot, 'bench', 'results', 'fleet.json');

async function bench(cleanups: Cleanups) {
  const flags = parseFlags();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'coursekey-fleet-'));
  cleanups.push(['temp dir', () => rmSync(scratch, { recursive: true, force: true })]);
  const loadBefore = os.loadavg()[0]!;
  console.log(
    `[fleet] ${flags.schools} schools, ${flags.latencyMs} ms SIS latency, shape ${flags.shape}; load ${loadBefore.toFixed(2)}`,
  );
  const temporalCli = requireTemporalCli();
  const servers = await startThrowawayServers(scratch);
  cleanups.push(['Temporal dev server and PostgreSQL', () => servers.stop()]);
  const schools = await startFleetSchools(flags.schools, flags.latencyMs);
  cleanups.push(['simulators', () => stopFleetSchools(schools)]);
  const connection = await Connection.connect({ address: servers.temporal.address });
  cleanups.push(['Temporal client', () => connection.close()]);
  const admin = openDb(servers.postgres.url, 2);
  cleanups.push(['admin pool', () => admin.destroy()]);

  const env: FleetEnv = {
    client: new Client({ connection }),
    taskQueue: 'fleet-bench',
    admin,
    postgresDataDir: path.join(scratch, 'pg'),
    temporalPid: servers.temporal.process?.pid,
    postgresUrl: servers.postgres.url,
    temporalAddress: servers.temporal.address,
  };
  const options: FleetOptions = {
    schools,
    latencyMs: flags.latencyMs,
    hourSeconds: flags.hourSeconds,
    rates: flags.rates,
    soloSchools: Math.min(flags.soloSchools, flags.schools),
    stepRuns: flags.stepRuns,
    brokenShare: 0.1,
    slowLatencyMs: 2000,
  };
  const wants = (shape: (typeof SHAPES)[number]) => flags.shape === 'all' || flags.shape === shape;
  const results: FleetResults = {
    date: new Date().toISOString(),
    source: sourceRevision(),
    command: `npm run bench:fleet -- ${process.argv.slice(2).join(' ')}`.trim(),
    machine: await machineInfo(admin, temporalCli),
    flags,
    workerSettings: readWorkerSettings(),
    loadBefore,
    targets: TARGETS,
  };

  let synced: FleetDatabase | undefined;
  if (wants('burst') || wants('fairness')) {
    const one = await burst(env, options, { label: 'burst, 1 worker', id: 'burst1', workers: 1 });
    results.burstOne = one.result;
    synced = one.database;
  }
  if (wants('burst')) {
    results.burstTwo = (
      await burst(env, options, { label: 'burst, 2 workers', id: 'burst2', workers: 2 })
    ).result;
    results.floor = await floor(env, options);
  }
  if (wants('fairness')) {
    const broken = brokenSchools(schools, options.brokenShare);
    results.brokenSchools = broken.size;
    results.fairSlow = (
      await burst(env, options, {
        label: `fairness: ${broken.size} SIS slow (${options.slowLatencyMs} ms)`,
        id: 'fair_slow',
        workers: 1,
        broken: { schools: broken, faults: { latencyMs: options.slowLatencyMs } },
      })
    ).result;
    results.fairFailing = (
      await burst(env, options, {
        label: `fairness: ${broken.size} SIS failing (503)`,
        id: 'fair_failing',
        workers: 1,
        broken: { schools: broken, faults: { latencyMs: options.latencyMs, errorRate: 1 } },
      })
    ).result;
  }
  if (wants('steady')) {
    if (!synced) {
      // Hourly runs are of schools synced before: a first burst (not measured) syncs them.
      synced = (
        await burst(env, options, {
          label: 'steady: first sync of every school',
          id: 'steady_prep',
          workers: 1,
        })
      ).database;
    }
    results.steady = await steady(env, options, synced, TARGETS.steadyP95);
  }
  results.loadAfter = os.loadavg()[0]!;

  const { text, docs } = await renderFleet(results, docsFile);
  console.log(`\n${text}`);
  mkdirSync(path.dirname(resultsFile), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  console.log(
    `\n[fleet] wrote ${path.relative(projectRoot, resultsFile)}${docs ? ` and ${path.relative(projectRoot, docsFile)}` : ''}`,
  );
}

runBench('fleet', bench);
