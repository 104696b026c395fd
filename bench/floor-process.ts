/**
 * The floor of a full roster sync (bench/floor-sync.ts) for one school, in a process of its own.
 * Run by bench/roster-large.ts with an IPC channel: FLOOR_DATABASE_URL (migrated, empty, with the
 * school row), BENCH_SCHOOL_CONFIG (the school configuration as JSON), and the SIS credentials in
 * the environment variables it names. Same CampusCloudClient and request budget
 * (pLimit(sis.maxConcurrentRequests)) as the worker, 4 connections.
 */
import pg from 'pg';
import type { SchoolConfig } from '../src/config/school-config';
import type { RosterTable } from '../src/db/write-changed-rows';
import { floorSisClient, floorSync, requiredEnv } from './floor-sync';

export interface FloorResult {
  type: 'result';
  wallMs: number;
  /** When the last SIS answer arrived, from the start. */
  fetchMs: number;
  rows: Record<RosterTable, number>;
  maxRssBytes: number;
  /** CPU seconds of this process over the timed part. */
  cpuSeconds: number;
}

async function main() {
  const config = JSON.parse(requiredEnv('BENCH_SCHOOL_CONFIG')) as SchoolConfig;
  const sis = floorSisClient(config);
  const pool = new pg.Pool({ connectionString: requiredEnv('FLOOR_DATABASE_URL'), max: 4 });
  const cpuAtStart = process.cpuUsage();
  const started = performance.now();
  const { rows, lastAnswerAt } = await floorSync(config, sis, pool);
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  await pool.end();
  const result: FloorResult = {
    type: 'result',
    wallMs,
    fetchMs: lastAnswerAt - started,
    rows,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
  process.send?.(result);
  process.disconnect?.();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
