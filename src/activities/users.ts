/** Users: students, staff and instructors, matched by SIS id (never by email). */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { CampusCloudClient, Page } from '../campus-cloud/client';
import { listedPage } from '../campus-cloud/paged-listing';
import { SisBadRecordError, SisRequestError } from '../campus-cloud/errors';
import { instructorRow, studentKey, studentRow, userKey, userRow } from '../mapping/roster-rows';
import type { Database } from '../db/database';
import {
  addOutcome,
  addSkipped,
  emptyCounts,
  markSeen,
  markSeenWithPayload,
  quarantinedKeys,
  recordBatchCounts,
  recordIssues,
  type BatchCounts,
  type IssueInput,
  type RunTarget,
} from '../db/run-bookkeeping';
import { recordListingPage } from '../db/listing-pages';
import { recordSisClock } from '../db/sync-watermarks';
import { writeChangedRows, type WriteOptions } from '../db/write-changed-rows';
import { quarantineIssue } from './quarantine-issue';
import { userLists, type UserList } from '../coursekey/user-lists';
import { allSettled } from './all-settled';
import type { SchoolContexts } from './school-context';
import { withSisFailures } from './sis-failure';

export const instructorSeenKey = (instructorId: string) => `instructor:${instructorId}`;

const endpointOf: Record<UserList, string> = {
  students: 'GetStudents',
  users: 'GetUsers',
  instructors: 'GetInstructors',
};

export interface UsersPageResult {
  totalCount: number;
  pageSize: number;
  fetched: number;
}

function missingEmailIssues(rows: { sis_key: string; email?: string | null }[]): IssueInput[] {
  return rows
    .filter((row) => !row.email)
    .map((row) => ({
      recordType: 'users',
      sisKey: row.sis_key,
      rule: 'user-without-email',
      severity: 'warning',
      message: `User ${row.sis_key} has no email address in Campus Cloud, so they cannot sign in to CourseKey. Add their email in Campus Cloud; the next sync picks it up.`,
    }));
}

async function fetchList(
  sis: CampusCloudClient,
  list: UserList,
  campusId: string,
  page: number,
  pageSize: number,
  modifiedSince: string | undefined,
) {
  // The one listing the contract lets ask for changes only; the others are small and read whole.
  if (list === 'students') return sis.getStudents(campusId, page, pageSize, modifiedSince);
  if (list === 'users') return sis.getUsers(campusId, page, pageSize);
  return sis.getInstructors(campusId, page, pageSize);
}

/**
 * Students and users referenced by enrollments or instructor records but absent from the lists:
 * fetched one by one (GetStudentByID / GetUser) and stored like any other user. `notFound` are the
 * keys the SIS answered 404 for: references to no one.
 */
export async function syncReferencedUsers(
  db: Kysely<Database>,
  sis: CampusCloudClient,
  run: RunTarget,
  batchKey: string,
  keys: string[],
): Promise<{ counts: BatchCounts<'users'>; notFound: Set<string> }> {
  const counts = emptyCounts<'users'>();
  const notFound = new Set<string>();
  if (keys.length === 0) return { counts, notFound };
  const issues: IssueInput[] = [];
  const rows: ReturnType<typeof studentRow>[] = [];
  await Promise.all(
    keys.map(async (key) => {
      const [kind, id] = key.split(/:(.*)/s) as [string, string];
      try {
        rows.push(
          kind === 'student'
            ? studentRow(run.schoolId, await sis.getStudentById(id))
            : userRow(run.schoolId, await sis.getUser(id)),
        );
      } catch (err) {
        if (!(err instanceof SisBadRecordError || err instanceof SisRequestError)) throw err;
        if (err instanceof SisRequestError && err.status === 404) {
          notFound.add(key);
          addSkipped(counts, 'not-found');
        } else {
          counts.failed++;
        }
        issues.push(quarantineIssue('users', key, err));
      }
    }),
  );
  counts.fetched = keys.length;
  await db.transaction().execute(async (trx) => {
    addOutcome(counts, await writeChangedRows(trx, 'users', run.schoolId, rows, userWriteOptions(run)));
    await markSeen(
      trx,
      run.syncRunId,
      'users',
      rows.map((row) => row.sis_key),
    );
    await recordIssues(trx, run, [...issues, ...missingEmailIssues(rows)]);
    await recordBatchCounts(trx, run.syncRunId, 'users', batchKey, counts);
  });
  return { counts, notFound };
}

/**
 * Active users that share one email address (compared without case): at most one of them can sign
 * in. Both stay synced; the issue names their SIS ids, never the address. Users this run is about
 * to deactivate do not count. A dry run stores no users, so it has nothing to compare.
 */
export async function reportSharedEmails(db: Kysely<Database>, run: RunTarget): Promise<void> {
  if (run.dryRun) return;
  const groups = await sql<{ keys: string[] }>`
    SELECT array_agg(u.sis_key ORDER BY u.sis_key) AS keys
    FROM users u
    WHERE u.school_id = ${run.schoolId} AND u.active AND u.email IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM pending_deactivations p
        WHERE p.sync_run_id = ${run.syncRunId} AND p.table_name = 'users' AND p.sis_key = u.sis_key)
    GROUP BY lower(u.email)
    HAVING count(*) > 1
  `
    .execute(db)
    .then((result) => result.rows);
  await recordIssues(
    db,
    run,
    groups.map(({ keys }) => ({
      recordType: 'users',
      sisKey: keys[0]!,
      rule: 'shared-email',
      severity: 'warning',
      message: `Users ${keys.slice(0, -1).join(', ')} and ${keys.at(-1)} have the same email address in Campus Cloud, so at most one of them can sign in to CourseKey. Give each person their own email address in Campus Cloud; all of them stay synced meanwhile.`,
      details: { sisKeys: keys },
    })),
  );
}

const userWriteOptions = (run: RunTarget): WriteOptions => ({
  dryRun: run.dryRun,
  deferDeactivations: { syncRunId: run.syncRunId, recordType: 'users' },
});

export function createUserActivities(db: Kysely<Database>, schools: SchoolContexts) {
  /** One page of GetStudents, GetUsers or GetInstructors, upserted in one transaction. */
  const syncUsersPage = (input: {
    schoolId: string;
    syncRunId: string;
    list: UserList;
    page: number;
  }): Promise<UsersPageResult> =>
    withSisFailures(async () => {
      const { config, sis, dryRun, target: run, modifiedSince } = await schools.forRun(input.syncRunId);
      const listing: Page<unknown> = await fetchList(
        sis,
        input.list,
        config.campusId,
        input.page,
        config.sis.pageSize,
        modifiedSince,
      );
      if (input.page === 1) await recordSisClock(db, input.syncRunId, listing.serverTime);
      const counts = emptyCounts<'users'>();
      counts.fetched = listing.items.length + listing.rejected.length;
      counts.failed = listing.rejected.length;
      const issues = listing.rejected.map((bad) =>
        quarantineIssue('users', bad.sisId ?? `${input.list} page ${input.page}`, new Error(bad.reason)),
      );
      await db.transaction().execute(async (trx) => {
        let listedIds: string[];
        if (input.list === 'instructors') {
          // Instructor records only link an instructor id to a user; the person is the user record.
          const rows = (listing as Awaited<ReturnType<CampusCloudClient['getInstructors']>>).items.map(
            (item) => instructorRow(input.schoolId, item),
          );
          // Counted as users: the record that links an instructor id to a user is one of theirs.
          addOutcome(counts, await writeChangedRows(trx, 'instructors', input.schoolId, rows, { dryRun }));
          // Later steps of this run map instructor ids to users from here, dry run or not.
          await markSeenWithPayload(
            trx,
            input.syncRunId,
            'users',
            rows.map((row) => ({ ...row, sis_key: instructorSeenKey(row.sis_key) })),
          );
          listedIds = rows.map((row) => row.sis_key);
        } else {
          const rows =
            input.list === 'students'
              ? (listing as Awaited<ReturnType<CampusCloudClient['getStudents']>>).items.map((item) =>
                  studentRow(input.schoolId, item),
                )
              : (listing as Awaited<ReturnType<CampusCloudClient['getUsers']>>).items.map((item) =>
                  userRow(input.schoolId, item),
                );
          addOutcome(
            counts,
            await writeChangedRows(trx, 'users', input.schoolId, rows, userWriteOptions(run)),
          );
          await markSeen(trx, input.syncRunId, 'users', [
            ...rows.map((row) => row.sis_key),
            ...quarantinedKeys(listing.rejected, input.list === 'students' ? studentKey : userKey),
          ]);
          issues.push(...missingEmailIssues(rows));
          listedIds = rows.map((row) => row.sis_id);
        }
        await recordListingPage(
          trx,
          input.syncRunId,
          'users',
          endpointOf[input.list],
          input.page,
          listedPage(listing, listedIds),
        );
        await recordIssues(trx, run, issues);
        await recordBatchCounts(trx, input.syncRunId, 'users', `${input.list}:page:${input.page}`, counts);
      });
      return { totalCount: listing.totalCount, pageSize: listing.pageSize, fetched: counts.fetched };
    });

  return {
    syncUsersPage,

    /**
     * Page 1 of the three lists side by side, in one activity: a small school's lists are one page
     * each, so its users are one activity instead of three; the workflow fetches the rest by page.
     */
    async syncUserListsFirstPages(input: {
      schoolId: string;
      syncRunId: string;
    }): Promise<Record<UserList, UsersPageResult>> {
      const firstPages = await allSettled(
        userLists.map((list) => syncUsersPage({ ...input, list, page: 1 })),
      );
      return Object.fromEntries(userLists.map((list, index) => [list, firstPages[index]!])) as Record<
        UserList,
        UsersPageResult
      >;
    },

    /** Instructors whose user record was not in GetUsers this run: fetched with GetUser. */
    async syncInstructorUsers(input: { schoolId: string; syncRunId: string }): Promise<number> {
      return withSisFailures(async () => {
        const { sis, target } = await schools.forRun(input.syncRunId);
        const missing = await sql<{ key: string }>`
          SELECT DISTINCT 'user:' || (i.payload ->> 'user_sis_id') AS key
          FROM sync_seen i
          WHERE i.sync_run_id = ${input.syncRunId} AND i.record_type = 'users'
            AND i.sis_key LIKE 'instructor:%' AND (i.payload ->> 'active')::boolean
            AND NOT EXISTS (
              SELECT 1 FROM sync_seen u
              WHERE u.sync_run_id = i.sync_run_id AND u.record_type = 'users'
                AND u.sis_key = 'user:' || (i.payload ->> 'user_sis_id'))
        `
          .execute(db)
          .then((result) => result.rows);
        const keys = [...new Set(missing.map((row) => row.key))];
        const { counts } = await syncReferencedUsers(db, sis, target, 'instructor-users', keys);
        return counts.fetched;
      });
    },
  };
}
