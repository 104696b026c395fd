/**
 * A school's SIS request budget across every worker process: `maxConcurrentRequests` slots in
 * PostgreSQL (sis_request_slots), one held per request try. Taking a slot claims a free or expired
 * one in one UPDATE (FOR UPDATE SKIP LOCKED: takers never queue behind each other); giving it back
 * clears it and notifies the processes waiting for that school (slot-releases.ts).
 *
 * A slot is a lease: it expires SLOT_LEASE_MS after it was taken or last renewed, so the slots of a
 * killed worker come back within seconds. A try held longer is renewed every second; a try whose
 * lease could not be renewed in time (PostgreSQL unreachable) is aborted before the lease runs out,
 * so another process taking the expired slot never overlaps it. A database error while taking a
 * slot fails the try (the activity retries); nothing here ends the process.
 *
 * In front, a local limiter of the same size: one process never has more tries waiting on the
 * database than the school's budget. A try that finds no slot sleeps until a slot of the school
 * is freed, here or in another process (one wakes per free), or POLL_MS passed (expired leases).
 */
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Database } from './database';
import { SLOT_RELEASE_CHANNEL, slotReleases } from './slot-releases';

/** How long a slot stays taken without renewal: what a killed worker's slot blocks its school for. */
export const SLOT_LEASE_MS = 5_000;
const RENEW_EVERY_MS = 1_000;
/** A try whose lease was last confirmed longer ago than the lease minus this is aborted. */
const LEASE_MARGIN_MS = 2_000;
/** Waiters ask again this often even without a notification (a lease that expired sends none). */
const POLL_MS = 500;

/** Names the process in `holder`, for an operator looking at the table. */
const PROCESS_HOLDER = `${os.hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
let tries = 0;

/** The try's lease was not confirmed in time, or was found taken: the try is aborted with this. */
export class SlotLeaseLapsedError extends Error {
  constructor(schoolId: string) {
    super(
      `the SIS request slot of school ${schoolId} could not be renewed in time (PostgreSQL unreachable, or the lease ran out); the request was abandoned`,
    );
    this.name = 'SlotLeaseLapsedError';
  }
}

interface HeldSlot {
  slot: number;
  holder: string;
  /** performance.now() when the last claim or renewal of the lease was sent. */
  confirmedAt: number;
  abort: AbortController;
}

export class SisRequestSlots {
  private readonly local: LimitFunction;
  private readonly held = new Set<HeldSlot>();
  /** Tries waiting for a slot, longest first; a freed slot wakes the first. */
  private readonly sleepers: (() => void)[] = [];
  private waiting = 0;
  private unsubscribe: (() => void) | undefined;
  /** Counts frees seen (here, or notified from elsewhere): a claim that missed one asks again at once. */
  private frees = 0;
  private renewal: NodeJS.Timeout | undefined;
  private renewing = false;
  private seeded = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly schoolId: string,
    private readonly maxConcurrent: number,
  ) {
    this.local = pLimit(maxConcurrent);
  }

  /**
   * Runs one try with a slot of the school; `signal` aborts it when the slot's lease lapses. The
   * result is handed back at once; the slot is given back right after.
   */
  run = <T>(task: (signal?: AbortSignal) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      void this.local(async () => {
        let slot: HeldSlot;
        try {
          slot = await this.take();
        } catch (err) {
          reject(
            new Error(
              `Could not take an SIS request slot of school ${this.schoolId} from PostgreSQL: ${err instanceof Error ? err.message : String(err)}`,
              { cause: err },
            ),
          );
          return;
        }
        try {
          resolve(await task(slot.abort.signal));
        } catch (err) {
          reject(err);
        } finally {
          await this.giveBack(slot);
        }
      });
    });

  /** Claims a slot, and while none is free sleeps until one is freed (or POLL_MS passed). */
  private async take(): Promise<HeldSlot> {
    const releases = slotReleases(this.db);
    this.waiting++;
    try {
      for (;;) {
        const freesBefore = this.frees;
        const slot = await this.claim();
        if (slot) {
          this.hold(slot);
          return slot;
        }
        if (this.frees !== freesBefore) continue;
        // Contended: hear of the frees of other processes (LISTEN) while any try here waits.
        this.unsubscribe ??= releases.subscribe(this.schoolId, () => this.freed());
        releases.listen();
        await new Promise<void>((resolve) => {
          const wake = () => {
            clearTimeout(timer);
            resolve();
          };
          const timer = setTimeout(
            () => {
              const index = this.sleepers.indexOf(wake);
              if (index >= 0) this.sleepers.splice(index, 1);
              resolve();
            },
            POLL_MS * (0.75 + Math.random() / 2),
          );
          this.sleepers.push(wake);
        });
      }
    } finally {
      if (--this.waiting === 0) {
        this.unsubscribe?.();
        this.unsubscribe = undefined;
      }
    }
  }

  private async claim(): Promise<HeldSlot | undefined> {
    if (!this.seeded) {
      await sql`
        INSERT INTO sis_request_slots (school_id, slot)
        SELECT ${this.schoolId}, generate_series(0, ${this.maxConcurrent - 1}::int)
        ON CONFLICT DO NOTHING
      `.execute(this.db);
      this.seeded = true;
    }
    const holder = `${PROCESS_HOLDER}#${++tries}`;
    const confirmedAt = performance.now();
    const { rows } = await sql<{ slot: number }>`
      UPDATE sis_request_slots
      SET holder = ${holder}, expires_at = now() + ${`${SLOT_LEASE_MS} milliseconds`}::interval
      WHERE (school_id, slot) = (
        SELECT school_id, slot FROM sis_request_slots
        WHERE school_id = ${this.schoolId} AND slot < ${this.maxConcurrent}
          AND (holder IS NULL OR expires_at < now())
        ORDER BY slot
        LIMIT 1
        FOR UPDATE SKIP LOCKED
      )
      RETURNING slot
    `.execute(this.db);
    const slot = rows[0]?.slot;
    return slot === undefined ? undefined : { slot, holder, confirmedAt, abort: new AbortController() };
  }

  private async giveBack(slot: HeldSlot): Promise<void> {
    this.held.delete(slot);
    if (this.held.size === 0) {
      clearInterval(this.renewal);
      this.renewal = undefined;
    }
    try {
      await sql`
        WITH freed AS (
          UPDATE sis_request_slots SET holder = NULL, expires_at = NULL
          WHERE school_id = ${this.schoolId} AND slot = ${slot.slot} AND holder = ${slot.holder}
          RETURNING school_id
        )
        SELECT pg_notify(${SLOT_RELEASE_CHANNEL}, school_id) FROM freed
      `.execute(this.db);
    } catch {
      // Not given back: the lease expires by itself.
    }
    this.freed();
  }

  private freed(): void {
    this.frees++;
    this.sleepers.shift()?.();
  }

  private hold(slot: HeldSlot): void {
    this.held.add(slot);
    this.renewal ??= setInterval(() => void this.renew(), RENEW_EVERY_MS).unref();
  }

  /** Extends the leases of tries held longer than a renewal period; aborts those not confirmed in time. */
  private async renew(): Promise<void> {
    const now = performance.now();
    for (const slot of this.held) {
      if (now - slot.confirmedAt > SLOT_LEASE_MS - LEASE_MARGIN_MS) {
        this.held.delete(slot);
        slot.abort.abort(new SlotLeaseLapsedError(this.schoolId));
      }
    }
    const due = [...this.held].filter((slot) => now - slot.confirmedAt >= RENEW_EVERY_MS);
    if (this.renewing || due.length === 0) return;
    this.renewing = true;
    try {
      const { rows } = await sql<{ holder: string }>`
        UPDATE sis_request_slots
        SET expires_at = now() + ${`${SLOT_LEASE_MS} milliseconds`}::interval
        WHERE school_id = ${this.schoolId} AND holder = ANY(${due.map((slot) => slot.holder)}::text[])
          AND expires_at > now()
        RETURNING holder
      `.execute(this.db);
      const renewed = new Set(rows.map((row) => row.holder));
      for (const slot of due) {
        if (renewed.has(slot.holder)) slot.confirmedAt = now;
        else if (this.held.delete(slot)) slot.abort.abort(new SlotLeaseLapsedError(this.schoolId));
      }
    } catch {
      // Tried again next second; a lease not renewed in time aborts its try above.
    } finally {
      this.renewing = false;
    }
  }
}
