/**
 * The worker's own metrics (README, "Metrics"). Labels carry ids and fixed words only, never a
 * person's data. Per-school labels only where an operator asks "which school?"; volumes and
 * latencies are per record type or endpoint, so hundreds of schools keep the series few.
 */
import { Counter, Gauge, Histogram } from 'prom-client';
import type { SisRequestObserver } from '../campus-cloud/request-observer';
import { recordTypes, type RecordType } from '../coursekey/record-types';
import { workerRegistry } from './registries';

const registers = [workerRegistry];

const sisRequests = new Counter({
  name: 'coursekey_sync_sis_requests_total',
  help: 'HTTP exchanges with a school SIS (each try), and requests the circuit breaker refused, by outcome.',
  labelNames: ['school_id', 'endpoint', 'outcome'] as const,
  registers,
});
const sisRequestDuration = new Histogram({
  name: 'coursekey_sync_sis_request_duration_seconds',
  help: 'How long the SIS took to answer one HTTP exchange, whatever the outcome.',
  labelNames: ['endpoint'] as const,
  buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers,
});
const rowsWritten = new Counter({
  name: 'coursekey_sync_rows_written_total',
  help: "Roster rows sync runs wrote, by record type and operation (a run's created, updated and deactivated counts).",
  labelNames: ['record_type', 'operation'] as const,
  registers,
});
const runs = new Counter({
  name: 'coursekey_sync_runs_total',
  help: 'Finished runs (kind sync or dry-run) by result: completed, failed or cancelled.',
  labelNames: ['school_id', 'kind', 'result'] as const,
  registers,
});
const runDuration = new Histogram({
  name: 'coursekey_sync_run_duration_seconds',
  help: 'From the start of a run to its end, approval wait and attendance posting included.',
  labelNames: ['kind', 'result'] as const,
  buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 21600],
  registers,
});
const consecutiveFailures = new Gauge({
  name: 'coursekey_sync_consecutive_failures',
  help: "A school's failed sync runs since its last completed one, as of the last run this worker finished.",
  labelNames: ['school_id'] as const,
  registers,
});
const attendanceRecords = new Counter({
  name: 'coursekey_sync_attendance_records_total',
  help: 'Attendance records posted to the SIS, by its answer: accepted or rejected.',
  labelNames: ['outcome'] as const,
  registers,
});
const lastDatesAttended = new Counter({
  name: 'coursekey_sync_last_dates_attended_posted_total',
  help: 'Last dates attended (LDA) posted to the SIS.',
  registers,
});
const deactivationsHeld = new Counter({
  name: 'coursekey_sync_deactivations_held_total',
  help: 'Deactivations a run held back for approval (mass-change safety), by record type.',
  labelNames: ['school_id', 'record_type'] as const,
  registers,
});

// Known label sets start at 0, so a rate over the first increment is not lost.
for (const record_type of recordTypes) {
  for (const operation of ['created', 'updated', 'deactivated'])
    rowsWritten.inc({ record_type, operation }, 0);
}
for (const outcome of ['accepted', 'rejected']) attendanceRecords.inc({ outcome }, 0);

/** The SIS client's observer for one school (src/campus-cloud/request-observer.ts). */
export function sisRequestMetrics(schoolId: string): SisRequestObserver {
  return ({ endpoint, outcome, seconds }) => {
    sisRequests.inc({ school_id: schoolId, endpoint, outcome });
    if (seconds !== undefined) sisRequestDuration.observe({ endpoint }, seconds);
  };
}

export interface FinishedRun {
  schoolId: string;
  kind: 'sync' | 'dry-run';
  result: 'completed' | 'failed' | 'cancelled';
  seconds: number;
  /** What a sync run wrote; a dry run writes nothing. */
  written?: Partial<Record<RecordType, { created: number; updated: number; deactivated: number }>>;
  /** For a sync run: the school's failed runs since its last completed one. */
  consecutiveFailures?: number;
}

/** Counted once per run, when it records how it ended. */
export function countFinishedRun(run: FinishedRun): void {
  runs.inc({ school_id: run.schoolId, kind: run.kind, result: run.result });
  runDuration.observe({ kind: run.kind, result: run.result }, run.seconds);
  for (const [recordType, counts] of Object.entries(run.written ?? {})) {
    for (const operation of ['created', 'updated', 'deactivated'] as const) {
      rowsWritten.inc({ record_type: recordType, operation }, counts[operation]);
    }
  }
  if (run.consecutiveFailures !== undefined) {
    consecutiveFailures.set({ school_id: run.schoolId }, run.consecutiveFailures);
  }
}

export function countPostedAttendance(answers: { accepted: number; rejected: number }): void {
  attendanceRecords.inc({ outcome: 'accepted' }, answers.accepted);
  attendanceRecords.inc({ outcome: 'rejected' }, answers.rejected);
}

export function countPostedLastDates(posted: number): void {
  lastDatesAttended.inc(posted);
}

export function countHeldDeactivations(schoolId: string, held: Partial<Record<RecordType, number>>): void {
  for (const [recordType, n] of Object.entries(held)) {
    deactivationsHeld.inc({ school_id: schoolId, record_type: recordType }, n);
  }
}
