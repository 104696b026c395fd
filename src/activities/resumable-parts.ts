/**
 * Long activities work through their items in parts, one transaction each, and record each part
 * done in the heartbeat: a retried attempt (a worker lost, a flaky SIS, a database restart) goes on
 * after the parts done instead of asking the SIS for everything again.
 */
import { contentHash } from '../mapping/content-hash';
import { chunked } from './chunked';
import { previousCursor, recordProgress } from './heartbeat';

interface PartsDone {
  /** The items the parts were cut from: parts done count only for the same items. */
  of: string;
  parts: number;
}

/** Runs `work` on `items` in parts of `size` (once, on none, when there are no items). */
export async function inResumableParts<T>(
  items: T[],
  keyOf: (item: T) => string,
  size: number,
  work: (part: T[], index: number) => Promise<void>,
): Promise<void> {
  const parts = items.length ? chunked(items, size) : [[]];
  const of = contentHash(items.map(keyOf));
  const done = previousCursor<PartsDone>();
  for (let index = done?.of === of ? done.parts : 0; index < parts.length; index++) {
    await work(parts[index]!, index);
    recordProgress({ of, parts: index + 1 } satisfies PartsDone);
  }
}
