import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeListingChange, listingChange, type ListedPage } from '../../src/campus-cloud/paged-listing';

const page = (totalCount: number, ids: string[], unidentified = 0): ListedPage => ({
  totalCount,
  ids,
  unidentified,
});

test('pages that agree on totalCount and hold exactly that many different records are complete', () => {
  assert.equal(listingChange([page(5, ['a', 'b', 'c']), page(5, ['d', 'e'])]), undefined);
  assert.equal(listingChange([page(0, [])]), undefined);
  // A record without a usable id still counts as listed.
  assert.equal(listingChange([page(3, ['a', 'b'], 1)]), undefined);
});

test('a record inserted between page reads changes totalCount and repeats a record', () => {
  const change = listingChange([page(6, ['a', 'b', 'c']), page(7, ['c', 'd', 'e'])]);
  assert.deepEqual(change, { totalCounts: [6, 7], repeated: 1, listed: 5 });
  assert.equal(
    describeListingChange(change!),
    'totalCount 6 and 7 on different pages; 5 different records read, 1 of them twice',
  );
});

test('a record removed between page reads changes totalCount and skips a record', () => {
  // [a b c d e f]: page 1 reads a b c; then a is removed, so page 2 reads e f and d is on no page.
  assert.deepEqual(listingChange([page(6, ['a', 'b', 'c']), page(5, ['e', 'f'])]), {
    totalCounts: [5, 6],
    repeated: 0,
    listed: 5,
  });
});

test('a repeat with an unchanged totalCount, or a short page, is a changed listing too', () => {
  // One record inserted at the front and one removed at the end between the reads.
  const repeat = listingChange([page(6, ['a', 'b', 'c']), page(6, ['c', 'd', 'e'])]);
  assert.deepEqual(repeat, { totalCounts: [6], repeated: 1, listed: 5 });
  assert.equal(describeListingChange(repeat!), 'totalCount 6; 5 different records read, 1 of them twice');
  assert.deepEqual(listingChange([page(6, ['a', 'b', 'c']), page(6, ['d', 'e'])]), {
    totalCounts: [6],
    repeated: 0,
    listed: 5,
  });
});
