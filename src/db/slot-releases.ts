/**
 * Tells this process's waiting SIS request limiters when any process frees a slot of their school
 * (NOTIFY sis_request_slots, payload the school id, sent by the release). One pool connection
 * LISTENs while a limiter waits and a little after; without it (PostgreSQL restarting) the waiters
 * still look again every few hundred milliseconds, so a lost notification only costs time.
 */
import type { Kysely } from 'kysely';
import type pg from 'pg';
import { poolOf } from './connection';
import type { Database } from './database';

export const SLOT_RELEASE_CHANNEL = 'sis_request_slots';
/** Keeps the connection a moment after the last waiter, so busy schools do not LISTEN per wait. */
const LINGER_MS = 2_000;

class SlotReleases {
  private readonly listeners = new Map<string, Set<() => void>>();
  private client: { connection: pg.PoolClient; lost: () => void } | undefined;
  private connecting = false;
  private linger: NodeJS.Timeout | undefined;

  constructor(private readonly pool: pg.Pool) {}

  /** Calls `listener` on every release of `schoolId`'s slots until the returned function is called. */
  subscribe(schoolId: string, listener: () => void): () => void {
    let set = this.listeners.get(schoolId);
    if (!set) this.listeners.set(schoolId, (set = new Set()));
    set.add(listener);
    clearTimeout(this.linger);
    this.listen();
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(schoolId);
      if (this.listeners.size === 0) this.linger = setTimeout(() => this.stop(), LINGER_MS).unref();
    };
  }

  /** Connects and LISTENs unless already done; a no-op while it cannot (the waiters poll). */
  listen(): void {
    if (this.client || this.connecting || this.listeners.size === 0) return;
    this.connecting = true;
    void this.pool
      .connect()
      .then(async (client) => {
        const lost = () => this.drop(client, true);
        client.on('notification', ({ payload }) => this.listeners.get(payload ?? '')?.forEach((l) => l()));
        client.on('error', lost);
        client.on('end', lost);
        this.client = { connection: client, lost };
        try {
          await client.query(`LISTEN ${SLOT_RELEASE_CHANNEL}`);
        } catch {
          lost();
        }
      })
      .catch(() => {})
      .finally(() => (this.connecting = false));
  }

  private stop(): void {
    const client = this.client?.connection;
    if (!client || this.listeners.size > 0) return;
    client
      .query(`UNLISTEN ${SLOT_RELEASE_CHANNEL}`)
      .then(
        () => this.drop(client, false),
        () => this.drop(client, true),
      )
      .catch(() => {});
  }

  private drop(client: pg.PoolClient, broken: boolean): void {
    if (this.client?.connection !== client) return;
    const { lost } = this.client;
    this.client = undefined;
    client.removeAllListeners('notification');
    client.off('error', lost);
    client.off('end', lost);
    client.release(broken);
    // A waiter that subscribed while UNLISTEN was on its way still wants to hear.
    this.listen();
  }
}

const perPool = new WeakMap<pg.Pool, SlotReleases>();

export function slotReleases(db: Kysely<Database>): SlotReleases {
  const pool = poolOf(db);
  let releases = perPool.get(pool);
  if (!releases) perPool.set(pool, (releases = new SlotReleases(pool)));
  return releases;
}
