/**
 * `npx tsx bench/sis-request-slots.ts`: what the cross-process SIS request budget
 * (src/db/sis-request-slots.ts) adds to a request, on a throwaway embedded PostgreSQL on loopback.
 * - wait for a slot: from asking to the try starting, one request at a time, against p-limit alone
 *   and against one database round trip (SELECT 1), which is what it costs on an idle machine;
 * - slot churn: tries of no work through 8 slots, one limiter, in tries per second;
 * - two limiters (as two worker processes) sharing 8 slots with 10 ms tries: throughput against
 *   the 800 tries/s that 8 slots allow, and when each of the two had its tries done (fairness).
 * Prints the figures docs/benchmarks.md quotes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pLimit from 'p-limit';
import { createDb } from '../src/db/connection';
import { migrateToLatest } from '../src/db/migrate';
import { SisRequestSlots } from '../src/db/sis-request-slots';
import { startEmbeddedPostgres } from '../src/infra/embedded-postgres';
import { freePort } from '../src/infra/ports';

const SEQUENTIAL = 2_000;
const CHURN = 5_000;
const SLOTS = 8;

type Run = <T>(task: () => Promise<T>) => Promise<T>;

async function waitPerTry(run: Run): Promise<{ medianMs: number; meanMs: number; p99Ms: number }> {
  const waits: number[] = [];
  await run(async () => {}); // the first connection and, for the slots, their rows
  for (let i = 0; i < SEQUENTIAL; i++) {
    const asked = performance.now();
    await run(async () => waits.push(performance.now() - asked));
  }
  waits.sort((a, b) => a - b);
  return {
    medianMs: waits[Math.floor(waits.length / 2)]!,
    meanMs: waits.reduce((sum, wait) => sum + wait, 0) / waits.length,
    p99Ms: waits[Math.floor(waits.length * 0.99)]!,
  };
}

async function main() {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'coursekey-slots-bench-'));
  const postgres = await startEmbeddedPostgres({
    dataDir: path.join(scratch, 'pg'),
    port: await freePort(),
    throwaway: true,
  });
  const db = createDb(postgres.url, 10);
  try {
    await migrateToLatest(db);
    const roundTrip = await waitPerTry(async (task) => {
      await sql`SELECT 1`.execute(db);
      return task();
    });
    const local = await waitPerTry(pLimit(SLOTS));
    const shared = await waitPerTry(new SisRequestSlots(db, 'bench-wait', SLOTS).run);
    const figures = ({ medianMs, meanMs, p99Ms }: typeof local) =>
      `median ${medianMs.toFixed(3)} ms, mean ${meanMs.toFixed(3)}, p99 ${p99Ms.toFixed(3)}`;
    console.log(`wait for a slot, one request at a time (${SEQUENTIAL}):`);
    console.log(`  a database round trip (SELECT 1): ${figures(roundTrip)}`);
    console.log(`  p-limit (one process):            ${figures(local)}`);
    console.log(`  PostgreSQL slots:                 ${figures(shared)}`);

    const churn = new SisRequestSlots(db, 'bench-churn', SLOTS);
    let started = performance.now();
    await Promise.all(Array.from({ length: CHURN }, () => churn.run(async () => {})));
    const churnPerSecond = CHURN / ((performance.now() - started) / 1000);
    console.log(`slot churn through ${SLOTS} slots, one limiter: ${churnPerSecond.toFixed(0)} tries/s`);

    const processes = [0, 1].map(() => new SisRequestSlots(db, 'bench-two', SLOTS));
    const perProcess = 400;
    started = performance.now();
    const doneAt = await Promise.all(
      processes.map(async (slots) => {
        await Promise.all(Array.from({ length: perProcess }, () => slots.run(() => sleep(10))));
        return (performance.now() - started) / 1000;
      }),
    );
    const seconds = Math.max(...doneAt);
    const ideal = (2 * perProcess * 10) / SLOTS / 1000;
    console.log(
      `two limiters sharing ${SLOTS} slots, 10 ms tries: ${((2 * perProcess) / seconds).toFixed(0)} tries/s ` +
        `(${SLOTS} slots allow ${SLOTS * 100}/s: ${(ideal / seconds).toFixed(2)} of it); ` +
        `each had its ${perProcess} tries done after ${doneAt.map((at) => at.toFixed(2)).join(' s and ')} s`,
    );
  } finally {
    await db.destroy();
    await postgres.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
