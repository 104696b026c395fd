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
 *
 * A slot whose try succeeded is kept for KEEP_IDLE_MS before it is given back, so the next try of this
 * process (the next page, the next section, the next PostAttendance call) takes it without a
 * database round trip: two statements per SIS request would otherwise be most of a small school's
 * database work. Another process waits at most that long for a slot this one no longer uses.
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
/** How long a slot no try uses stays with this process before it is given back. */
export const KEEP_IDLE_MS = 1_000;

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
  /** The current try's: aborted when the lease lapses under it. */
  abort: AbortController;
  /** Set while no try uses the slot: gives it back when it fires. */
  idleTimer?: NodeJS.Timeout;
}

export class SisRequestSlots {
  private readonly local: LimitFunction;
  private readonly held = new Set<HeldSlot>();
  /** Held slots no try uses, most recently used last. */
  private readonly idle: HeldSlot[] = [];
  /** Tries waiting for a slot, longest first; a freed slot wakes the first. */
  private readonly sleepers: (() => void)[] = [];
  private waiting = 0;
  private unsubscribe: (() => void) | undefined;
  /** Counts frees seen (here, or notified from elsewhere): a claim that missed one asks again at once. */
  private frees = 0;
  private renewal: NodeJS.Timeout | undefined;
  private renewing = false;
  private seeding: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly schoolId: string,
    private readonly maxConcurrent: number,
  ) {
    this.local = pLimit(maxConcurrent);
  }

  /**
   * Runs one try with a slot of the school; `signal` aborts it when the slot's lease lapses. The
   * result is handed back at once; the slot is kept for the next try a moment, then given back.
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
          this.keepIdle(slot);
        } catch (err) {
          reject(err);
          // A failed try (an error, a 429 to wait out) gives its slot back at once.
          await this.giveBack(slot);
        }
      });
    });

  /** An idle slot whose lease is safely within its time, for the next try; undefined if none. */
  private reuse(): HeldSlot | undefined {
    const slot = this.idle.pop();
    if (!slot) return undefined;
    if (performance.now() - slot.confirmedAt > SLOT_LEASE_MS - LEASE_MARGIN_MS) {
      this.lapse(slot);
      return this.reuse();
    }
    clearTimeout(slot.idleTimer);
    slot.idleTimer = undefined;
    slot.abort = new AbortController();
    return slot;
  }

  /** Keeps the slot of a try that succeeded for KEEP_IDLE_MS, unless its lease already lapsed. */
  private keepIdle(slot: HeldSlot): void {
    if (slot.abort.signal.aborted || !this.held.has(slot)) {
      void this.giveBack(slot);
      return;
    }
    slot.idleTimer = setTimeout(() => {
      const index = this.idle.indexOf(slot);
      if (index >= 0) this.idle.splice(index, 1);
      void this.giveBack(slot);
    }, KEEP_IDLE_MS).unref();
    this.idle.push(slot);
    // A try of this process may be waiting on the database for a slot: this one is free now.
    this.freed();
  }

  /** Takes an idle slot or claims one, and while none is free sleeps until one is freed (or POLL_MS passed). */
  private async take(): Promise<HeldSlot> {
    const releases = slotReleases(this.db);
    this.waiting++;
    try {
      for (;;) {
        const freesBefore = this.frees;
        const slot = this.reuse() ?? (await this.claim());
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
    // One seeding per process and school, shared by the first tries (they start side by side).
    this.seeding ??= sql`
      INSERT INTO sis_request_slots (school_id, slot)
      SELECT ${this.schoolId}, generate_series(0, ${this.maxConcurrent - 1}::int)
      ON CONFLICT DO NOTHING
    `
      .execute(this.db)
      .then(
        () => undefined,
        (err: unknown) => {
          this.seeding = undefined;
          throw err;
        },
      );
    await this.seeding;
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
    if (this.held.size === 0) this.stopRenewal();
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

  private stopRenewal(): void {
    clearInterval(this.renewal);
    this.renewal = undefined;
  }

  private freed(): void {
    this.frees++;
    this.sleepers.shift()?.();
  }

  private hold(slot: HeldSlot): void {
    this.held.add(slot);
    this.renewal ??= setInterval(() => void this.renew(), RENEW_EVERY_MS).unref();
  }

  /** The slot's lease was lost: its try (if any) is aborted, and an idle slot is no longer offered. */
  private lapse(slot: HeldSlot): void {
    this.held.delete(slot);
    if (this.held.size === 0) this.stopRenewal();
    clearTimeout(slot.idleTimer);
    const index = this.idle.indexOf(slot);
    if (index >= 0) this.idle.splice(index, 1);
    slot.abort.abort(new SlotLeaseLapsedError(this.schoolId));
  }

  /** Extends the leases of tries held longer than a renewal period; aborts those not confirmed in time. */
  private async renew(): Promise<void> {
    const now = performance.now();
    for (const slot of this.held) {
      if (now - slot.confirmedAt > SLOT_LEASE_MS - LEASE_MARGIN_MS) this.lapse(slot);
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
        else if (this.held.has(slot)) this.lapse(slot);
      }
    } catch {
      // Tried again next second; a lease not renewed in time aborts its try above.
    } finally {
      this.renewing = false;
    }
  }
}
