/** The pages of a run's SIS listings as read, to find the listings that changed while being read. */
import type { Kysely, Transaction } from 'kysely';
import type { RecordType } from '../coursekey/record-types';
import type { Database } from './database';

type Db = Kysely<Database> | Transaction<Database>;

/** One page as read: its totalCount and the SIS ids on it (records without an id only counted). */
export interface StoredPage {
  totalCount: number;
  ids: string[];
  unidentified: number;
}

/** A retried page keeps its first reading, as its counts do. */
export async function recordListingPage(
  db: Db,
  syncRunId: string,
  recordType: RecordType,
  listing: string,
  page: number,
  listed: StoredPage,
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

/** The run's listings, each with the pages read of it. */
export async function listingsRead(
  db: Db,
  syncRunId: string,
): Promise<{ recordType: RecordType; listing: string; pages: StoredPage[] }[]> {
  const rows = await db
    .selectFrom('sync_listing_pages')
    .select(['record_type', 'listing', 'total_count', 'sis_ids', 'unidentified'])
    .where('sync_run_id', '=', syncRunId)
    .execute();
  const byListing = new Map<string, { recordType: RecordType; listing: string; pages: StoredPage[] }>();
  for (const row of rows) {
    const entry = byListing.get(row.listing) ?? {
      recordType: row.record_type,
      listing: row.listing,
      pages: [],
    };
    entry.pages.push({ totalCount: row.total_count, ids: row.sis_ids, unidentified: row.unidentified });
    byListing.set(row.listing, entry);
  }
  return [...byListing.values()];
}
