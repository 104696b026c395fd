/**
 * Long activities work through their items in parts, one transaction each, and mark each part done
 * in that same transaction: a retried attempt (a worker lost, a flaky SIS, a database restart), on
 * this worker or another, goes on after the parts committed instead of asking the SIS again.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database';
import { partsDone, recordPartsDone } from '../db/run-progress';
import { contentHash } from '../mapping/content-hash';
import { chunked } from './chunked';
import { recordProgress } from './heartbeat';

/** A part's work; it calls `markDone` in the transaction that writes the part. */
export type PartWork<T> = (
  part: T[],
  index: number,
  markDone: (trx: Transaction<Database>) => Promise<void>,
) => Promise<void>;

/** Runs `work` on `items` in parts of `size` (once, on none, when there are no items). */
export async function inResumableParts<T>(
  db: Kysely<Database>,
  run: { syncRunId: string; work: string },
  items: T[],
  keyOf: (item: T) => string,
  size: number,
  work: PartWork<T>,
): Promise<void> {
  const parts = items.length ? chunked(items, size) : [[]];
  const itemsHash = contentHash(items.map(keyOf));
  const done = await partsDone(db, run.syncRunId, run.work, itemsHash);
  for (let index = done; index < parts.length; index++) {
    await work(parts[index]!, index, (trx) =>
      recordPartsDone(trx, run.syncRunId, run.work, itemsHash, index + 1),
    );
    recordProgress({ parts: index + 1, of: parts.length });
  }
}
