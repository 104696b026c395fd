/**
 * A listing read page by page tells who left the SIS only if it held still while it was read: every
 * page reports the same totalCount, no record appears on two pages, and the pages hold exactly
 * totalCount records. A record inserted or removed between two page reads shifts the later pages,
 * so one record is listed twice and another on no page at all. Pure.
 */
import type { Page } from './client';

export interface ListedPage {
  totalCount: number;
  /** The SIS ids of the page's records, quarantined ones included. */
  ids: string[];
  /** Records without a usable id: counted, never matched. */
  unidentified: number;
}

export interface ListingChange {
  /** The different totalCounts the pages reported, ascending. */
  totalCounts: number[];
  /** Records listed more than once. */
  repeated: number;
  /** Different records the pages held. */
  listed: number;
}

export function listedPage(listing: Page<unknown>, itemIds: string[]): ListedPage {
  const identified = listing.rejected.flatMap((bad) => (bad.sisId === undefined ? [] : [bad.sisId]));
  return {
    totalCount: listing.totalCount,
    ids: [...itemIds, ...identified],
    unidentified: listing.rejected.length - identified.length,
  };
}

/** How a listing's pages disagree, or undefined when they describe one listing completely. */
export function listingChange(pages: ListedPage[]): ListingChange | undefined {
  if (pages.length === 0) return undefined;
  const totalCounts = [...new Set(pages.map((page) => page.totalCount))].sort((a, b) => a - b);
  const ids = pages.flatMap((page) => page.ids);
  const distinct = new Set(ids).size;
  const repeated = ids.length - distinct;
  const listed = distinct + pages.reduce((sum, page) => sum + page.unidentified, 0);
  if (totalCounts.length === 1 && repeated === 0 && listed === totalCounts[0]) return undefined;
  return { totalCounts, repeated, listed };
}

export function describeListingChange(change: ListingChange): string {
  const totals = `totalCount ${change.totalCounts.join(' and ')}${change.totalCounts.length > 1 ? ' on different pages' : ''}`;
  const repeated = change.repeated ? `, ${change.repeated} of them twice` : '';
  return `${totals}; ${change.listed} different records read${repeated}`;
}
