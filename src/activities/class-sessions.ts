/** Meetings: GetSchedule weekly patterns expanded into dated class sessions, created once. */
import type { Kysely } from 'kysely';
import type { ScheduleEntry } from '../campus-cloud/schemas';
import { expandWeeklySchedule } from '../coursekey/class-sessions';
import { classSessionRow } from '../coursekey/roster-rows';
import type { Database } from '../db/database';
import {
  addOutcome,
  emptyCounts,
  recordBatchCounts,
  recordIssues,
  type IssueInput,
} from '../db/run-bookkeeping';
import { writeChangedRows } from '../db/write-changed-rows';
import type { SchoolContexts } from './school-context';
import { sectionBatch } from './section-batches';
import { withSisFailures } from './sis-failure';

export function createClassSessionActivities(db: Kysely<Database>, schools: SchoolContexts) {
  return {
    async syncClassSessionsBatch(input: {
      schoolId: string;
      syncRunId: string;
      batch: number;
      batchSize: number;
    }): Promise<number> {
      return withSisFailures(async () => {
        const { config, sis } = await schools.get(input.schoolId);
        const sections = await sectionBatch(db, input);
        const counts = emptyCounts();
        const issues: IssueInput[] = [];
        const rows: ReturnType<typeof classSessionRow>[] = [];
        await Promise.all(
          sections.map(async (section) => {
            const schedule = await sis.getSchedule(section.sis_key);
            for (const bad of schedule.rejected) {
              counts.failed++;
              counts.fetched++;
              issues.push({
                recordType: 'class_sessions',
                sisKey: `${section.sis_key}:${bad.sisId ?? 'unknown'}`,
                rule: 'invalid-sis-record',
                severity: 'warning',
                message: `Section ${section.sis_key}: a schedule entry cannot be used (${bad.reason}). Correct the meeting pattern in Campus Cloud.`,
              });
            }
            if (!section.start_date || !section.end_date) return;
            const dates = { startDate: section.start_date, endDate: section.end_date };
            const planned = expandWeeklySchedule(dates, schedule.items as ScheduleEntry[], config.timeZone);
            // Counted as the dated sessions the pattern implies: the unit CourseKey stores.
            counts.fetched += planned.length;
            rows.push(...planned.map((session) => classSessionRow(input.schoolId, section.sis_key, session)));
          }),
        );
        await db.transaction().execute(async (trx) => {
          addOutcome(
            counts,
            await writeChangedRows(trx, 'class_sessions', input.schoolId, rows, { insertOnly: true }),
          );
          await recordIssues(trx, input.schoolId, input.syncRunId, issues);
          await recordBatchCounts(trx, input.syncRunId, 'class_sessions', `batch:${input.batch}`, counts);
        });
        return sections.length;
      });
    },
  };
}
