/**
 * Roster sync for one school and run: courses -> users -> (class sessions | course members) ->
 * deactivations, applied only within the school's safety threshold; the ones held are returned
 * for SyncWorkflow to have approved. The same workflow serves the enablement dry run, whose
 * activities write only the report. The history holds ids, page numbers and counts only.
 */
import {
  ActivityCancellationType,
  condition,
  defineSignal,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
} from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { DeactivationCounts, SettledDeactivations } from '../activities/deactivation';
import { activityRetry, HEARTBEAT_TIMEOUT } from './activity-options';
import { userLists, type UserList } from '../coursekey/user-lists';
import { inPool, sideBySide } from './pool';

export interface RosterSyncInput {
  schoolId: string;
  syncRunId: string;
  /** Set by parents since LEAN_RUNS (activity-options.ts): fewer, larger steps. */
  lean?: boolean;
}

export interface RosterSyncResult {
  /** Deactivations held by the safety threshold. */
  held: DeactivationCounts;
  /**
   * How long the caller waits for an approval of `held`; absent when nothing is held, and from a
   * run started before approval moved to SyncWorkflow (it waited itself: `held` is what was left).
   */
  approvalWait?: string;
}

// A cancelled or failed run ends once the activities in flight have finished (none of them stops
// at a cancellation, so each finishes its page): none writes after SyncWorkflow's bookkeeping.
const cancellationType = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;
const { listSyncTerms, syncSectionsPage, syncUsersPage, syncUserListsFirstPages, syncInstructorUsers } =
  proxyActivities<Activities>({
    startToCloseTimeout: '5 minutes',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: activityRetry,
    cancellationType,
  });
const { syncSectionsBatch, syncClassSessionsBatch, syncCourseMembersBatch, applyHeldDeactivations } =
  proxyActivities<Activities>({
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: activityRetry,
    cancellationType,
  });
/**
 * The steps between the stages that only read and write the database. Local activities hold their
 * workflow task open while they run, so nothing that waits on the SIS (a slow SIS would hold the
 * worker's workflow task slots from every other school) runs as one.
 */
const bookkeeping = {
  remote: proxyActivities<Activities>({
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: HEARTBEAT_TIMEOUT,
    retry: activityRetry,
    cancellationType,
  }),
  local: proxyLocalActivities<Activities>({
    startToCloseTimeout: '10 minutes',
    retry: activityRetry,
    cancellationType,
  }),
};

/** Parallel activities per school; the SIS request budget itself is enforced in the worker. */
const PAGE_CONCURRENCY = 4;
const SECTION_BATCH_SIZE = 200;

type PageResult = { totalCount: number; pageSize: number };

/** Fetches page 1 to learn the total, then the remaining pages in parallel. */
async function allPages(fetchPage: (page: number) => Promise<PageResult>) {
  await laterPages(await fetchPage(1), fetchPage);
}

/** The pages after page 1, in parallel. */
async function laterPages(first: PageResult, fetchPage: (page: number) => Promise<PageResult>) {
  const pages = Math.ceil(first.totalCount / first.pageSize);
  const rest = Array.from({ length: Math.max(0, pages - 1) }, (_, index) => index + 2);
  await inPool(rest, PAGE_CONCURRENCY, fetchPage);
}

/** Since this patch SyncWorkflow awaits the approval of held deactivations, beside posting. */
const APPROVAL_IN_SYNC_WORKFLOW = 'approval-in-sync-workflow';

export async function RosterSyncWorkflow(input: RosterSyncInput): Promise<RosterSyncResult> {
  const run = { schoolId: input.schoolId, syncRunId: input.syncRunId };
  const { checkListingsNotEmpty, countSyncedSections, collectVanishedRecords, settleDeactivations } =
    input.lean ? bookkeeping.local : bookkeeping.remote;
  const userPages = (list: UserList) => (page: number) => syncUsersPage({ ...run, list, page });

  // Sections and the user lists do not depend on each other: fetch them side by side.
  const sectionPages = () =>
    listSyncTerms(run).then(async (termIds) => {
      for (const termId of termIds) await allPages((page) => syncSectionsPage({ ...run, termId, page }));
      return termIds;
    });
  const [termIds] = input.lean
    ? await sideBySide([
        sectionPages,
        async () => {
          const firstPages = await syncUserListsFirstPages(run);
          await sideBySide(userLists.map((list) => () => laterPages(firstPages[list], userPages(list))));
        },
      ])
    : await sideBySide([sectionPages, ...userLists.map((list) => () => allPages(userPages(list)))]);
  await checkListingsNotEmpty(run);
  await syncInstructorUsers(run);

  const sections = await countSyncedSections(run);
  const batches = Array.from({ length: Math.ceil(sections / SECTION_BATCH_SIZE) }, (_, batch) => batch);
  const batch = (index: number) => ({ ...run, batch: index, batchSize: SECTION_BATCH_SIZE });
  const work: (() => Promise<unknown>)[] = input.lean
    ? // Each activity does both halves of its batch side by side: as many at once as before.
      batches.map((index) => () => syncSectionsBatch(batch(index)))
    : batches.flatMap((index) => [
        () => syncClassSessionsBatch(batch(index)),
        () => syncCourseMembersBatch(batch(index)),
      ]);
  await inPool(work, input.lean ? PAGE_CONCURRENCY / 2 : PAGE_CONCURRENCY, (step) => step());

  await collectVanishedRecords({ ...run, termIds });
  const settled = await settleDeactivations(run);
  if (Object.keys(settled.held).length === 0) return { held: {} };
  if (patched(APPROVAL_IN_SYNC_WORKFLOW)) return { held: settled.held, approvalWait: settled.approvalWait };
  return awaitApprovalSignal(run, settled);
}

/**
 * How a run started before APPROVAL_IN_SYNC_WORKFLOW waits for its approval: a signal
 * (`temporal workflow signal --name approveDeactivations`). Remove once no such run is open.
 */
async function awaitApprovalSignal(
  run: RosterSyncInput,
  settled: SettledDeactivations,
): Promise<RosterSyncResult> {
  let approved = false;
  setHandler(defineSignal('approveDeactivations'), () => {
    approved = true;
  });
  if (await condition(() => approved, settled.approvalWait as '1m')) {
    await applyHeldDeactivations({
      ...run,
      recordTypes: Object.keys(settled.held) as (keyof DeactivationCounts)[],
    });
    return { held: {} };
  }
  return { held: settled.held };
}
