/**
 * The faults of `npm run bench:faults` (bench/faults.ts): what each breaks, when it goes in, and
 * when it counts as cleared. A fault goes in once the SIS has answered a share of the requests a
 * clean run makes to one endpoint, which places it in a phase of the run on any preset.
 */
import type { FaultSettingsInput } from '../src/simulator/faults';

/** What a fault can break; each resolves once the fault is cleared. */
export interface FaultParts {
  /** SIGKILLs the run's worker and starts a new one on the same task queue: cleared once it polls. */
  replaceWorker(): Promise<void>;
  /** Stops the Temporal dev server and starts it again on its SQLite file: cleared once it listens. */
  restartTemporal(): Promise<void>;
  /** Stops PostgreSQL, waits `downMs`, starts it again: cleared once it accepts connections. */
  restartPostgres(downMs: number): Promise<void>;
}

export interface Scenario {
  /** Names the scenario's database, task queue and workflow id: lower case, digits, underscores. */
  key: string;
  name: string;
  /** When the fault goes in: once the SIS answered `share` of a clean run's requests to `endpoint`. */
  at?: { endpoint: string; share: number; phase: string };
  inject?: (parts: FaultParts) => Promise<void>;
  /** SIS faults for the whole run, from its start. */
  sisFaults?: FaultSettingsInput;
}

/** How long PostgreSQL stays down. */
export const POSTGRES_DOWN_MS = 5_000;

/** The client gives up on a request after this (the school's `sis.requestTimeoutMs`, every run of the bench). */
export const REQUEST_TIMEOUT_MS = 2_000;

/** A bad day at the SIS: 20% 503s, 10% 429s with Retry-After 2 s, 2% requests that hang past the client's timeout. */
export const SIS_STORM: FaultSettingsInput = {
  errorRate: 0.2,
  rateLimitRate: 0.1,
  retryAfterSeconds: 2,
  timeoutRate: 0.02,
  timeoutMs: REQUEST_TIMEOUT_MS + 1_000,
  seed: 8,
};

export const CLEAN: Scenario = { key: 'clean', name: 'clean run (reference)' };

const killWorker = (parts: FaultParts) => parts.replaceWorker();

export const FAULT_SCENARIOS: Scenario[] = [
  {
    key: 'kill_sections',
    name: 'worker SIGKILL during sections pages',
    at: { endpoint: 'GetScheduledCourse', share: 0.4, phase: 'sections pages' },
    inject: killWorker,
  },
  {
    key: 'kill_users',
    name: 'worker SIGKILL during users pages',
    at: { endpoint: 'GetStudents', share: 0.6, phase: 'users pages' },
    inject: killWorker,
  },
  {
    key: 'kill_batches',
    name: 'worker SIGKILL during session/member batches',
    at: { endpoint: 'GetEnrollment', share: 0.4, phase: 'session/member batches' },
    inject: killWorker,
  },
  {
    key: 'kill_posting',
    name: 'worker SIGKILL during posting',
    at: { endpoint: 'PostAttendance', share: 0.4, phase: 'attendance posting' },
    inject: killWorker,
  },
  {
    key: 'temporal_restart',
    name: 'Temporal dev server restart',
    at: { endpoint: 'GetSchedule', share: 0.5, phase: 'session/member batches' },
    inject: (parts) => parts.restartTemporal(),
  },
  {
    key: 'postgres_restart',
    name: `PostgreSQL down ${POSTGRES_DOWN_MS / 1000} s`,
    at: { endpoint: 'GetScheduledCourse', share: 0.6, phase: 'sections and users pages' },
    inject: (parts) => parts.restartPostgres(POSTGRES_DOWN_MS),
  },
  { key: 'sis_storm', name: 'SIS storm, whole run', sisFaults: SIS_STORM },
];
