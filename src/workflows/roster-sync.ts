/**
 * Roster sync for one school and run: courses -> users -> (class sessions | course members) ->
 * deactivations, applied only within the school's safety threshold (held ones wait for an
 * approval signal). The same workflow serves the enablement dry run, whose activities write only
 * the report. The history holds ids, page numbers and counts only.
 */
import { condition, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DeactivationCounts } from '../activities/deactivation';
import { activityRetry, HEARTBEAT_TIMEOUT } from './activity-options';
import { inPool } from './pool';
import { approveDeactivationsSignal } from './signals';

export interface RosterSyncInput {
  schoolId: string;
  syncRunId: string;
}

export interface RosterSyncResult {
  /** Deactivations still held when the run ended (none approved in time). */
  held: DeactivationCounts;
}

const { listSyncTerms, syncSectionsPage, syncUsersPage, syncInstructorUsers, countSyncedSections } =
  proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: activityRetry,
  });
const {
  syncClassSessionsBatch,
  syncCourseMembersBatch,
  checkListingsNotEmpty,
  collectVanishedRecords,
  settleDeactivations,
  applyHeldDeactivations,
} = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: HEARTBEAT_TIMEOUT,
  retry: activityRetry,
});

/** Parallel activities per school; the SIS request budget itself is enforced in the worker. */
const PAGE_CONCURRENCY = 4;
const SECTION_BATCH_SIZE = 200;

/** Fetches page 1 to learn the total, then the remaining pages in parallel. */
async function allPages(fetchPage: (page: number) => Promise<{ totalCount: number; pageSize: number }>) {
  const first = await fetchPage(1);
  const pages = Math.ceil(first.totalCount / first.pageSize);
  const rest = Array.from({ length: Math.max(0, pages - 1) }, (_, index) => index + 2);
  await inPool(rest, PAGE_CONCURRENCY, fetchPage);
}

export async function RosterSyncWorkflow(input: RosterSyncInput): Promise<RosterSyncResult> {
  let approved = false;
  setHandler(approveDeactivationsSignal, () => {
    approved = true;
  });
  const run = { schoolId: input.schoolId, syncRunId: input.syncRunId };

  // Sections and the user lists do not depend on each other: fetch them side by side.
  const [termIds] = await Promise.all([
    listSyncTerms(run).then(async (termIds) => {
      for (const termId of termIds) await allPages((page) => syncSectionsPage({ ...run, termId, page }));
      return termIds;
    }),
    allPages((page) => syncUsersPage({ ...run, list: 'users', page })),
    allPages((page) => syncUsersPage({ ...run, list: 'students', page })),
    allPages((page) => syncUsersPage({ ...run, list: 'instructors', page })),
  ]);
  await checkListingsNotEmpty(run);
  await syncInstructorUsers(run);

  const sections = await countSyncedSections(run);
  const batches = Array.from({ length: Math.ceil(sections / SECTION_BATCH_SIZE) }, (_, batch) => batch);
  const work = batches.flatMap((batch) => [
    () => syncClassSessionsBatch({ ...run, batch, batchSize: SECTION_BATCH_SIZE }),
    () => syncCourseMembersBatch({ ...run, batch, batchSize: SECTION_BATCH_SIZE }),
  ]);
  await inPool(work, PAGE_CONCURRENCY, (step) => step());

  await collectVanishedRecords({ ...run, termIds });
  const settled = await settleDeactivations(run);
  const heldTypes = Object.keys(settled.held) as (keyof DeactivationCounts)[];
  if (heldTypes.length === 0) return { held: {} };
  if (await condition(() => approved, settled.approvalWait as '1m')) {
    await applyHeldDeactivations({ ...run, recordTypes: heldTypes });
    return { held: {} };
  }
  return { held: settled.held };
}
