/**
 * Everything the overview shows (and the insights JSON returns) for one school: the status the
 * CLI prints (schedule, recent runs with counts, records held, open issues) plus data-out.
 */
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { schoolStatus, type SchoolStatus } from './school-status';
import type { Database } from '../db/database';
import { latestAttendancePosting, type AttendanceOut } from './attendance-out';

export interface SchoolInsights extends SchoolStatus {
  dataOut: AttendanceOut | null;
}

export async function schoolInsights(
  db: Kysely<Database>,
  temporal: Client,
  schoolId: string,
  recentRuns: number,
): Promise<SchoolInsights> {
  const [status, dataOut] = await Promise.all([
    schoolStatus(db, temporal, schoolId, recentRuns),
    latestAttendancePosting(db, schoolId),
  ]);
  return { ...status, dataOut };
}
