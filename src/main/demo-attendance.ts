/**
 * `npm start` on the demo dataset: realistic check-ins for the demo school's past sessions, stored
 * before the first sync so that the first run posts attendance, and a line saying what it posted.
 */
import type { Kysely } from 'kysely';
import type { SchoolConfig } from '../config/school-config';
import { insertCheckIns } from '../db/check-ins';
import type { Database } from '../db/database';
import { datasetSchema } from '../simulator/dataset';
import { generateCheckIns } from '../simulator/generate-check-ins';
import type { PostingCounts } from '../workflows/attendance-posting';

/** Seeds check-ins once per school (a restart keeps what it has); returns how many were stored. */
export async function seedDemoCheckIns(
  db: Kysely<Database>,
  config: SchoolConfig,
  simulatorAdminUrl: string,
): Promise<number> {
  const existing = await db
    .selectFrom('check_ins')
    .select('school_id')
    .where('school_id', '=', config.schoolId)
    .limit(1)
    .executeTakeFirst();
  if (existing) return 0;
  const response = await fetch(`${simulatorAdminUrl}/dataset`);
  const dataset = datasetSchema.parse(await response.json());
  return insertCheckIns(db, config.schoolId, generateCheckIns(dataset, config, { now: new Date() }));
}

export function formatPosting(posting: PostingCounts | undefined): string {
  if (!posting) return 'Attendance: not posted in this run.';
  if (posting.courses === 0 && posting.lastDatesPosted === 0)
    return 'Attendance: nothing to post (no course changed or had a session close since the last posting).';
  return [
    `Attendance posted to the SIS: ${posting.posted} records (${posting.accepted} accepted, ${posting.rejected} rejected)`,
    `  of ${posting.computed} computed in ${posting.courses} courses (new to posting, changed, or with a session closed),`,
    `  ${posting.lastDatesPosted} last dates attended, ${posting.sisRequests} PostAttendance calls.`,
  ].join('\n');
}
