/** Users: students, staff and instructors, matched by SIS id (never by email). */
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { CampusCloudClient, Page } from '../campus-cloud/client';
import { SisBadRecordError, SisRequestError } from '../campus-cloud/errors';
import { instructorRow, studentKey, studentRow, userKey, userRow } from '../coursekey/roster-rows';
import type { Database } from '../db/database';
import {
  addOutcome,
  emptyCounts,
  markSeen,
  quarantinedKeys,
  recordBatchCounts,
  recordIssues,
  type BatchCounts,
  type IssueInput,
} from '../db/run-bookkeeping';
import { writeChangedRows } from '../db/write-changed-rows';
import { quarantineIssue } from './courses';
import type { SchoolContexts } from './school-context';
import { withSisFailures } from './sis-failure';

export type UserList = 'students' | 'users' | 'instructors';

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
) {
  if (list === 'students') return sis.getStudents(campusId, page, pageSize);
  if (list === 'users') return sis.getUsers(campusId, page, pageSize);
  return sis.getInstructors(campusId, page, pageSize);
}

/**
 * Students and users referenced by enrollments or instructor records but absent from the lists:
 * fetched one by one (GetStudentByID / GetUser) and stored like any other user.
 */
export async function syncReferencedUsers(
  db: Kysely<Database>,
  sis: CampusCloudClient,
  input: { schoolId: string; syncRunId: string; batchKey: string },
  keys: string[],
): Promise<BatchCounts> {
  const counts = emptyCounts();
  if (keys.length === 0) return counts;
  const issues: IssueInput[] = [];
  const rows: ReturnType<typeof studentRow>[] = [];
  await Promise.all(
    keys.map(async (key) => {
      const [kind, id] = key.split(/:(.*)/s) as [string, string];
      try {
        rows.push(
          kind === 'student'
            ? studentRow(input.schoolId, await sis.getStudentById(id))
            : userRow(input.schoolId, await sis.getUser(id)),
        );
      } catch (err) {
        if (!(err instanceof SisBadRecordError || err instanceof SisRequestError)) throw err;
        counts.failed++;
        issues.push(quarantineIssue('users', key, err));
      }
    }),
  );
  counts.fetched = keys.length;
  await db.transaction().execute(async (trx) => {
    addOutcome(counts, await writeChangedRows(trx, 'users', input.schoolId, rows));
    await markSeen(
      trx,
      input.syncRunId,
      'users',
      rows.map((row) => row.sis_key),
    );
    await recordIssues(trx, input.schoolId, input.syncRunId, [...issues, ...missingEmailIssues(rows)]);
    await recordBatchCounts(trx, input.syncRunId, 'users', input.batchKey, counts);
  });
  return counts;
}

export function createUserActivities(db: Kysely<Database>, schools: SchoolContexts) {
  return {
    /** One page of GetStudents, GetUsers or GetInstructors, upserted in one transaction. */
    async syncUsersPage(input: {
      schoolId: string;
      syncRunId: string;
      list: UserList;
      page: number;
    }): Promise<UsersPageResult> {
      return withSisFailures(async () => {
        const { config, sis } = await schools.get(input.schoolId);
        const listing: Page<unknown> = await fetchList(
          sis,
          input.list,
          config.campusId,
          input.page,
          config.sis.pageSize,
        );
        const counts = emptyCounts();
        counts.fetched = listing.items.length + listing.rejected.length;
        counts.failed = listing.rejected.length;
        const issues = listing.rejected.map((bad) =>
          quarantineIssue('users', bad.sisId ?? `${input.list} page ${input.page}`, new Error(bad.reason)),
        );
        await db.transaction().execute(async (trx) => {
          if (input.list === 'instructors') {
            // Instructor records only link an instructor id to a user; the person is the user record.
            const rows = (listing as Awaited<ReturnType<CampusCloudClient['getInstructors']>>).items.map(
              (item) => instructorRow(input.schoolId, item),
            );
            await writeChangedRows(trx, 'instructors', input.schoolId, rows);
          } else {
            const rows =
              input.list === 'students'
                ? (listing as Awaited<ReturnType<CampusCloudClient['getStudents']>>).items.map((item) =>
                    studentRow(input.schoolId, item),
                  )
                : (listing as Awaited<ReturnType<CampusCloudClient['getUsers']>>).items.map((item) =>
                    userRow(input.schoolId, item),
                  );
            addOutcome(counts, await writeChangedRows(trx, 'users', input.schoolId, rows));
            await markSeen(trx, input.syncRunId, 'users', [
              ...rows.map((row) => row.sis_key),
              ...quarantinedKeys(listing.rejected, input.list === 'students' ? studentKey : userKey),
            ]);
            issues.push(...missingEmailIssues(rows));
          }
          await recordIssues(trx, input.schoolId, input.syncRunId, issues);
          await recordBatchCounts(trx, input.syncRunId, 'users', `${input.list}:page:${input.page}`, counts);
        });
        return { totalCount: listing.totalCount, pageSize: listing.pageSize, fetched: counts.fetched };
      });
    },

    /** Instructors whose user record was not in GetUsers this run: fetched with GetUser. */
    async syncInstructorUsers(input: { schoolId: string; syncRunId: string }): Promise<number> {
      return withSisFailures(async () => {
        const { sis } = await schools.get(input.schoolId);
        const missing = await db
          .selectFrom('instructors')
          .select(sql<string>`'user:' || user_sis_id`.as('key'))
          .where('school_id', '=', input.schoolId)
          .where('active', '=', true)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('sync_seen')
                  .select('sis_key')
                  .where('sync_run_id', '=', input.syncRunId)
                  .where('record_type', '=', 'users')
                  .whereRef('sync_seen.sis_key', '=', sql`'user:' || instructors.user_sis_id`),
              ),
            ),
          )
          .execute();
        const keys = [...new Set(missing.map((row) => row.key))];
        const counts = await syncReferencedUsers(db, sis, { ...input, batchKey: 'instructor-users' }, keys);
        return counts.fetched;
      });
    },
  };
}
