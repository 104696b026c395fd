/**
 * A retried activity goes on after the parts its earlier attempts committed, whichever worker runs
 * it: the parts done are read from the run's rows (written in each part's own transaction), not
 * from heartbeat details, which the SDK sends only every 80% of the heartbeat timeout.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MockActivityEnvironment } from '@temporalio/testing';
import type { Kysely } from 'kysely';
import { inResumableParts } from '../../src/activities/resumable-parts';
import type { Database } from '../../src/db/database';
import { createTestDatabase } from '../support/environment';

let db: Kysely<Database>;
before(async () => {
  ({ db } = await createTestDatabase());
});
after(() => db.destroy());

const items = Array.from({ length: 250 }, (_, i) => `section-${String(i).padStart(3, '0')}`);

/** One attempt on a fresh worker (no heartbeat details), failing in part `failAt` if given. */
async function attempt(syncRunId: string, list: string[], failAt?: number): Promise<number[]> {
  const started: number[] = [];
  await new MockActivityEnvironment()
    .run(() =>
      inResumableParts(
        db,
        { syncRunId, work: 'sections 2026FA page 1' },
        list,
        (id) => id,
        100,
        async (part, index, markDone) => {
          started.push(index);
          if (index === failAt) throw new Error('worker lost');
          await db.transaction().execute(markDone);
        },
      ),
    )
    .catch(() => undefined);
  return started;
}

test('a retry on another worker starts at the first part not committed', async () => {
  assert.deepEqual(await attempt('101', items, 2), [0, 1, 2]);
  assert.deepEqual(await attempt('101', items), [2]);
  // Done: a further retry (the activity lost after its last part) does no part again.
  assert.deepEqual(await attempt('101', items), []);
});

test('parts done count only for the same items, and only within their run', async () => {
  assert.deepEqual(await attempt('102', items, 1), [0, 1]);
  // The page read again holds other sections: its parts are cut differently, so all run again.
  assert.deepEqual(await attempt('102', items.slice(1)), [0, 1, 2]);
  assert.deepEqual(await attempt('103', items), [0, 1, 2]);
});
