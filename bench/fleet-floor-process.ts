/**
 * The floor of a fleet burst: every school's full roster sync and attendance posting
 * (bench/floor-sync.ts) at once in one process, each school with its own SIS client and request
 * budget as in the worker, all writing through one pool of 10 connections. No Temporal, no
 * orchestration.
 * Run by bench/fleet.ts with an IPC channel: FLOOR_DATABASE_URL (migrated, empty, with the
 * schools' rows), the SIS credentials in the environment variables the configurations name, and
 * the configurations as the message {type:'schools', configs}.
 */
import type { SchoolConfig } from '../src/config/school-config';
import { createDb, poolOf } from '../src/db/connection';
import { floorPostAttendance, floorSisClient, floorSync, requiredEnv } from './floor-sync';

export interface FleetFloorResult {
  type: 'result';
  /** First request to the last school's last insert. */
  wallMs: number;
  /** Per school, its floor sync's duration. */
  schoolMs: number[];
  rows: number;
  maxRssBytes: number;
  cpuSeconds: number;
}

const FLOOR_CONNECTIONS = 10;

async function main() {
  const configs = await new Promise<SchoolConfig[]>((resolve) =>
    process.once('message', (message: { configs: SchoolConfig[] }) => resolve(message.configs)),
  );
  const db = createDb(requiredEnv('FLOOR_DATABASE_URL'), FLOOR_CONNECTIONS);
  const cpuAtStart = process.cpuUsage();
  const started = performance.now();
  const schools = await Promise.all(
    configs.map(async (config) => {
      const sis = floorSisClient(config);
      const result = await floorSync(config, sis, poolOf(db));
      const posted = await floorPostAttendance(config, sis, db, new Date());
      return {
        ms: performance.now() - started,
        rows: Object.values(result.rows).reduce((a, b) => a + b, 0) + posted,
      };
    }),
  );
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuAtStart);
  await db.destroy();
  const result: FleetFloorResult = {
    type: 'result',
    wallMs,
    schoolMs: schools.map((school) => school.ms),
    rows: schools.reduce((sum, school) => sum + school.rows, 0),
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
