/**
 * Courses and users that an active term's listing or the user lists no longer contain are
 * deactivated (never deleted) once every page of the run has been fetched.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import { emptyCounts, INCOMPLETE_LISTING, recordBatchCounts } from '../db/run-bookkeeping';
import { campusToday, termSearchRange } from '../coursekey/sync-window';
import type { SchoolContexts } from './school-context';

export interface DeactivationResult {
  courses: number;
  users: number;
}

export function createDeactivationActivities(db: Kysely<Database>, schools: SchoolContexts) {
  return {
    async deactivateVanishedRecords(input: {
      schoolId: string;
      syncRunId: string;
      termIds: string[];
    }): Promise<DeactivationResult> {
      const { config } = await schools.get(input.schoolId);
      const range = termSearchRange(config, campusToday(config));
      const notSeen = (recordType: 'courses' | 'users', table: 'courses' | 'users') =>
        sql<boolean>`NOT EXISTS (SELECT 1 FROM sync_seen s WHERE s.sync_run_id = ${input.syncRunId}
          AND s.record_type = ${recordType} AND s.sis_key = ${sql.table(table)}.sis_key)`;
      const incomplete = await db
        .selectFrom('sync_seen')
        .select('record_type')
        .where('sync_run_id', '=', input.syncRunId)
        .where('sis_key', '=', INCOMPLETE_LISTING)
        .execute();
      const listedFully = (type: 'courses' | 'users') => !incomplete.some((row) => row.record_type === type);
      return db.transaction().execute(async (trx) => {
        const courses =
          input.termIds.length === 0 || !listedFully('courses')
            ? []
            : await trx
                .updateTable('courses')
                .set({
                  active: false,
                  sis_status: 'Not listed by SIS',
                  content_hash: '',
                  updated_at: sql`now()`,
                })
                .where('school_id', '=', input.schoolId)
                .where('active', '=', true)
                .where('term_sis_id', 'in', input.termIds)
                // Sections that aged out of the sync window simply stop syncing; they did not vanish.
                .where((eb) => eb.or([eb('start_date', 'is', null), eb('start_date', '<=', range.to)]))
                .where((eb) => eb.or([eb('end_date', 'is', null), eb('end_date', '>=', range.from)]))
                .where(notSeen('courses', 'courses'))
                .returning('sis_key')
                .execute();
        const users = !listedFully('users')
          ? []
          : await trx
              .updateTable('users')
              .set({
                active: false,
                sis_status: 'Not listed by SIS',
                content_hash: '',
                updated_at: sql`now()`,
              })
              .where('school_id', '=', input.schoolId)
              .where('active', '=', true)
              .where(notSeen('users', 'users'))
              .returning('sis_key')
              .execute();
        await recordBatchCounts(trx, input.syncRunId, 'courses', 'vanished', {
          ...emptyCounts(),
          deactivated: courses.length,
        });
        await recordBatchCounts(trx, input.syncRunId, 'users', 'vanished', {
          ...emptyCounts(),
          deactivated: users.length,
        });
        return { courses: courses.length, users: users.length };
      });
    },
  };
}
