/**
 * The schools of `npm run bench:fleet`: N campuses, each with its own generated `small` dataset
 * (seed = its number) served by its own simulator instance in the bench process (one Fastify
 * server per school on a free loopback port: the cheapest way to give each school its own SIS,
 * latency, faults and request counts), and its own School Configuration pointing at it.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { storeSchoolConfig } from '../src/client/school-schedules';
import { loadSchoolConfig } from '../src/config/load-school-config';
import type { SchoolConfig } from '../src/config/school-config';
import type { Database } from '../src/db/database';
import { projectRoot } from '../src/infra/paths';
import { generateDataset } from '../src/simulator/generate';
import { createSimulator, DEFAULT_PASSWORD, DEFAULT_USERNAME, type Simulator } from '../src/simulator/server';

export interface FleetSchool {
  schoolId: string;
  config: SchoolConfig;
  simulator: Simulator;
}

/** The environment variables the schools' configurations name for their SIS credentials. */
export const FLEET_CREDENTIALS = { DEMO_SIS_USERNAME: DEFAULT_USERNAME, DEMO_SIS_PASSWORD: DEFAULT_PASSWORD };

export async function startFleetSchools(count: number, latencyMs: number): Promise<FleetSchool[]> {
  const template = loadSchoolConfig(path.join(projectRoot, 'config', 'schools', 'demo.json'));
  const schools: FleetSchool[] = [];
  try {
    for (let index = 1; index <= count; index++) {
      const simulator = await createSimulator({
        dataset: generateDataset({ preset: 'small', seed: index }),
        faults: { latencyMs },
      });
      const schoolId = `fleet-${String(index).padStart(4, '0')}`;
      const config: SchoolConfig = structuredClone(template);
      config.schoolId = schoolId;
      config.name = `Fleet School ${index}`;
      config.sis.baseUrl = simulator.url;
      schools.push({ schoolId, config, simulator });
    }
  } catch (err) {
    await stopFleetSchools(schools);
    throw err;
  }
  return schools;
}

export async function stopFleetSchools(schools: FleetSchool[]): Promise<void> {
  await Promise.allSettled(schools.map((school) => school.simulator.close()));
}

/** Enables every school in `db` (its row and configuration; the bench starts the runs itself). */
export async function storeFleetSchools(db: Kysely<Database>, schools: FleetSchool[]): Promise<void> {
  for (const school of schools) await storeSchoolConfig(db, school.config);
}

/**
 * A school's stable offset into its schedule's period: a hash of its id, so schools spread evenly
 * over the hour and a school keeps its minute from one enablement to the next.
 */
export function scheduleOffsetMs(schoolId: string, periodMs: number): number {
  const hash = createHash('sha256').update(schoolId).digest().readUInt32BE(0);
  return Math.floor((hash / 2 ** 32) * periodMs);
}

/** Every school's SIS back to its plain latency, its request counts zeroed. */
export function resetFleetSis(schools: FleetSchool[], latencyMs: number): void {
  for (const school of schools) {
    school.simulator.setFaults({ latencyMs });
    school.simulator.resetStats();
  }
}
