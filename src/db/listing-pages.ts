/** The pages of a run's SIS listings as read, to find the listings that changed while being read. */
import type { Kysely, Transaction } from 'kysely';
import { listingChange, type ListedPage, type ListingChange } from '../campus-cloud/paged-listing';
import type { Database, RecordType } from './database';

type Db = Kysely<Database> | Transaction<Database>;

/** A retried page keeps its first reading, as its counts do. */
export async function recordListingPage(
  db: Db,
  syncRunId: string,
  recordType: RecordType,
  listing: string,
  page: number,
  listed: ListedPage,
): Promise<void> {
  await db
    .insertInto('sync_listing_pages')
    .values({
      sync_run_id: syncRunId,
      record_type: recordType,
      listing,
      page,
      total_count: listed.totalCount,
      sis_ids: listed.ids,
      unidentified: listed.unidentified,
    })
    .onConflict((conflict) => conflict.doNothing())
    .execute();
}

export interface ChangedListing {
  recordType: RecordType;
  listing: string;
  change: ListingChange;
}

export async function changedListings(db: Db, syncRunId: string): Promise<ChangedListing[]> {
  const rows = await db
    .selectFrom('sync_listing_pages')
    .select(['record_type', 'listing', 'total_count', 'sis_ids', 'unidentified'])
    .where('sync_run_id', '=', syncRunId)
    .execute();
  const byListing = new Map<string, { recordType: RecordType; pages: ListedPage[] }>();
  for (const row of rows) {
    const entry = byListing.get(row.listing) ?? { recordType: row.record_type, pages: [] };
    entry.pages.push({ totalCount: row.total_count, ids: row.sis_ids, unidentified: row.unidentified });
    byListing.set(row.listing, entry);
  }
  return [...byListing].flatMap(([listing, { recordType, pages }]) => {
    const change = listingChange(pages);
    return change ? [{ recordType, listing, change }] : [];
  });
}
