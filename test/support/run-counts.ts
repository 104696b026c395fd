/** The identity every run's counts keep (README "Counts"), asserted per record type. */
import assert from 'node:assert/strict';
import { recordTypes } from '../../src/coursekey/record-types';
import type { RunCounts } from '../../src/db/run-bookkeeping';

export function assertCountsAddUp(counts: RunCounts, run: string): void {
  for (const type of recordTypes) {
    const c = counts[type];
    assert.ok(c.fetched > 0, `${run}: ${type} fetched`);
    assert.equal(
      c.created + c.updated + c.unchanged + c.failed + c.skipped,
      c.fetched,
      `${run}: ${type} fetched = created + updated + unchanged + failed + skipped (${JSON.stringify(c)})`,
    );
    const byReason = Object.values(c.skippedBy as Record<string, number>).reduce((sum, n) => sum + n, 0);
    assert.equal(byReason, c.skipped, `${run}: ${type} skipped = the sum of its reasons`);
  }
}
