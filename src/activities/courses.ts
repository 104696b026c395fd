/** Courses: the scheduled course sections of the active terms, with their catalog courses. */
import type { Kysely } from 'kysely';
import type { Course, Section } from '../campus-cloud/schemas';
import { SisBadRecordError, SisRequestError } from '../campus-cloud/errors';
import { mapDeliveryMethod } from '../coursekey/delivery-methods';
import { catalogCourseRow, courseRow } from '../coursekey/roster-rows';
import { campusToday, isInSyncWindow, termSearchRange } from '../coursekey/sync-window';
import type { Database } from '../db/database';
import {
  addOutcome,
  emptyCounts,
  markSeen,
  quarantinedKeys,
  recordBatchCounts,
  recordIssues,
  type IssueInput,
} from '../db/run-bookkeeping';
import { writeChangedRows } from '../db/write-changed-rows';
import type { SchoolContexts } from './school-context';
import { withSisFailures } from './sis-failure';

export interface SectionsPageResult {
  totalCount: number;
  pageSize: number;
  fetched: number;
}

/** A record the SIS answered badly, or refused to serve: quarantined as an issue, the page goes on. */
export function quarantineIssue(
  recordType: IssueInput['recordType'],
  sisKey: string,
  err: unknown,
): IssueInput {
  const reason =
    err instanceof SisBadRecordError || err instanceof SisRequestError ? err.message : String(err);
  return {
    recordType,
    sisKey,
    rule: 'invalid-sis-record',
    severity: 'warning',
    message: `${recordType} ${sisKey}: the SIS returned data that cannot be synced (${reason}). Correct the record in Campus Cloud; the next sync picks it up.`,
  };
}

const isRecordProblem = (err: unknown) => err instanceof SisBadRecordError || err instanceof SisRequestError;

export function createCourseActivities(db: Kysely<Database>, schools: SchoolContexts) {
  return {
    /** Term ids whose dates can hold a section inside the school's sync window. */
    async listSyncTerms(input: { schoolId: string }): Promise<string[]> {
      return withSisFailures(async () => {
        const { config, sis } = await schools.get(input.schoolId);
        const range = termSearchRange(config, campusToday(config));
        const terms = await sis.getTerms(config.campusId, range.from, range.to);
        return terms.items
          .filter((term) => term.startDate <= range.to && term.endDate >= range.from)
          .map((term) => term.termId)
          .sort();
      });
    },

    /** One GetTermSchedule page: each section with its catalog course, upserted in one transaction. */
    async syncSectionsPage(input: {
      schoolId: string;
      syncRunId: string;
      termId: string;
      page: number;
    }): Promise<SectionsPageResult> {
      return withSisFailures(async () => {
        const { config, sis } = await schools.get(input.schoolId);
        const listing = await sis.getTermSchedule(input.termId, input.page, config.sis.pageSize);
        const counts = emptyCounts();
        counts.fetched = listing.items.length + listing.rejected.length;
        counts.failed = listing.rejected.length;
        const issues: IssueInput[] = listing.rejected.map((bad) =>
          quarantineIssue(
            'courses',
            bad.sisId ?? `term ${input.termId} page ${input.page}`,
            new Error(bad.reason),
          ),
        );

        const quarantined = quarantinedKeys(listing.rejected, (id) => id);
        const sections: Section[] = [];
        await Promise.all(
          listing.items.map(async (entry) => {
            try {
              sections.push(await sis.getScheduledCourse(entry.scheduledCourseId));
            } catch (err) {
              if (!isRecordProblem(err)) throw err;
              counts.failed++;
              quarantined.push(entry.scheduledCourseId);
              issues.push(quarantineIssue('courses', entry.scheduledCourseId, err));
            }
          }),
        );
        const today = campusToday(config);
        const inWindow = sections.filter((section) => isInSyncWindow(config, today, section));

        const catalog = new Map<string, Course>();
        await Promise.all(
          [...new Set(inWindow.map((section) => section.courseId))].map(async (courseId) => {
            try {
              catalog.set(courseId, await sis.getCourse(courseId));
            } catch (err) {
              if (!isRecordProblem(err)) throw err;
              issues.push(quarantineIssue('courses', `catalog ${courseId}`, err));
            }
          }),
        );

        const rows: ReturnType<typeof courseRow>[] = [];
        for (const section of inWindow) {
          const mapped = mapDeliveryMethod(config, section.deliveryMethod);
          if (!mapped) {
            counts.failed++;
            issues.push({
              recordType: 'courses',
              sisKey: section.scheduledCourseId,
              rule: 'unmapped-delivery-method',
              severity: 'blocking',
              message: `Section ${section.sectionCode}: delivery method "${section.deliveryMethod.name}" (id ${section.deliveryMethod.id}) has no attendance method in the school configuration. Add it under "deliveryMethods"; the section is not created until then.`,
              details: { deliveryMethod: section.deliveryMethod },
            });
            continue;
          }
          if (!catalog.has(section.courseId)) {
            counts.failed++;
            continue;
          }
          rows.push(courseRow(input.schoolId, section, mapped));
        }

        await db.transaction().execute(async (trx) => {
          await writeChangedRows(
            trx,
            'catalog_courses',
            input.schoolId,
            [...catalog.values()].map((course) => catalogCourseRow(input.schoolId, course)),
          );
          const outcome = await writeChangedRows(trx, 'courses', input.schoolId, rows, {
            skipNewInactive: true,
          });
          addOutcome(counts, outcome);
          await markSeen(trx, input.syncRunId, 'courses', [
            ...rows.map((row) => row.sis_key),
            ...quarantined,
          ]);
          await recordIssues(trx, input.schoolId, input.syncRunId, issues);
          await recordBatchCounts(
            trx,
            input.syncRunId,
            'courses',
            `term:${input.termId}:page:${input.page}`,
            counts,
          );
        });
        return { totalCount: listing.totalCount, pageSize: listing.pageSize, fetched: counts.fetched };
      });
    },
  };
}
