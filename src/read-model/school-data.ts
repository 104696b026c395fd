/**
 * The school data behind each dashboard page, one function per page, so the HTML pages and the
 * JSON for the school's systems answer from the same queries with the same filters.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { schoolStatus } from './school-status';
import { type Database, type Severity } from '../db/database';
import { recordTypes, type RecordType } from '../coursekey/record-types';
import { courseDetails, searchCourses } from './course-lookup';
import { heldDeactivations } from './held-deactivations';
import { listIssues, type IssueFilter } from './issue-list';
import { postingHistory } from './posting-history';
import { schoolInsights } from './school-insights';
import { searchUsers, userDetails } from './student-lookup';
import { usersWithoutEmail } from './users-without-email';

/** Runs the overview lists, and runs the history chart draws. */
export const OVERVIEW_RUNS = 5;
export const HISTORY_RUNS = 48;
/** Rows a CSV export holds at most: every issue and run a school has, in practice. */
export const EXPORT_ROWS = 100_000;

const severities: readonly Severity[] = ['blocking', 'warning', 'info'];

export function parseIssueFilter(query: Record<string, unknown>): IssueFilter {
  const text = typeof query.q === 'string' && query.q.trim() ? query.q.trim().slice(0, 100) : undefined;
  return {
    state: query.state === 'resolved' || query.state === 'all' ? query.state : 'open',
    severity: severities.find((s) => s === query.severity),
    recordType: recordTypes.find((t): t is RecordType => t === query.type),
    text,
  };
}

/** The search text of the course and student lookups. */
export function courseQuery(query: Record<string, unknown>): string {
  return typeof query.q === 'string' ? query.q.trim().slice(0, 100) : '';
}

export function schoolData(db: Kysely<Database>, temporal: Client) {
  return {
    overview: (schoolId: string) => schoolInsights(db, temporal, schoolId, OVERVIEW_RUNS),
    runs: (schoolId: string) => schoolStatus(db, temporal, schoolId, HISTORY_RUNS),
    issues: (schoolId: string, filter: IssueFilter, limit?: number) =>
      listIssues(db, schoolId, filter, limit),
    searchCourses: (schoolId: string, text: string) => searchCourses(db, schoolId, text),
    course: (schoolId: string, sisKey: string) => courseDetails(db, schoolId, sisKey),
    heldDeactivations: (schoolId: string) => heldDeactivations(db, schoolId),
    postingHistory: (schoolId: string, limit = HISTORY_RUNS) => postingHistory(db, schoolId, limit),
    usersWithoutEmail: (schoolId: string) => usersWithoutEmail(db, schoolId),
    searchUsers: (schoolId: string, text: string) => searchUsers(db, schoolId, text),
    /** One user, with their memberships judged on the campus date in the school's time zone. */
    user: (school: { id: string; time_zone: string }, sisKey: string) =>
      userDetails(db, school.id, sisKey, DateTime.now().setZone(school.time_zone).toISODate()!),
    school: (schoolId: string) =>
      db
        .selectFrom('schools')
        .select(['id', 'name', 'time_zone'])
        .where('id', '=', schoolId)
        .executeTakeFirst(),
  };
}

export type SchoolData = ReturnType<typeof schoolData>;
