/**
 * A listing that changed while it was read page by page is incomplete: a record pushed off every
 * page is not a record that left the SIS. Such a listing deactivates nothing and is reported.
 */
import type { Kysely } from 'kysely';
import { describeListingChange, listingChange, type ListingChange } from '../campus-cloud/paged-listing';
import type { RecordType } from '../coursekey/record-types';
import type { Database } from '../db/database';
import { listingsRead } from '../db/listing-pages';
import {
  INCOMPLETE_LISTING,
  markSeen,
  recordIssues,
  type IssueInput,
  type RunTarget,
} from '../db/run-bookkeeping';

export function listingChangedIssue(
  recordType: RecordType,
  listing: string,
  change: ListingChange,
): IssueInput {
  return {
    recordType,
    sisKey: listing,
    rule: 'listing-changed-while-read',
    severity: 'warning',
    message: `${listing} changed while it was read page by page (${describeListingChange(change)}), so records may have moved between pages. Nothing it lists was deactivated this run; the next sync reads it again.`,
    details: { ...change },
  };
}

/** Marks the record types of the run's changed listings incomplete, and reports each listing. */
export async function markChangedListings(db: Kysely<Database>, run: RunTarget): Promise<void> {
  const changed = (await listingsRead(db, run.syncRunId)).flatMap(({ recordType, listing, pages }) => {
    const change = listingChange(pages);
    return change ? [{ recordType, listing, change }] : [];
  });
  for (const recordType of new Set(changed.map((listing) => listing.recordType))) {
    await markSeen(db, run.syncRunId, recordType, [INCOMPLETE_LISTING]);
  }
  await recordIssues(
    db,
    run,
    changed.map(({ recordType, listing, change }) => listingChangedIssue(recordType, listing, change)),
  );
}
