/**
 * The search attribute every workflow of a school carries (a run, its children, a dry run), so
 * the Web UI and `temporal workflow list --query 'schoolId="..."'` filter by school. Registered on
 * the dev server by src/infra/temporal-dev-server.ts, on a cluster by `npm run cli -- search-attributes`.
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { SearchAttributeKey } from '@temporalio/common/lib/search-attributes';

/** What defineSearchAttributeKey('schoolId', 'KEYWORD') returns, without a runtime import of @temporalio/common. */
export const SCHOOL_ID: SearchAttributeKey<'KEYWORD'> = { name: 'schoolId', type: 'KEYWORD' };

export const schoolSearchAttributes = (schoolId: string): SearchAttributePair[] => [
  { key: SCHOOL_ID, value: schoolId },
];
