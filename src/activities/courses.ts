/** Courses: the scheduled course sections of the active terms, with their catalog courses. */
import type { Kysely, Transaction } from 'kysely';
import type { Page } from '../campus-cloud/client';
import {
  course as catalogCourse,
  type Course,
  type DeliveryMethod,
  type Section,
  type TermScheduleEntry,
} from '../campus-cloud/schemas';
import { SisBadRecordError, SisRequestError } from '../campus-cloud/errors';
import { listedPage } from '../campus-cloud/paged-listing';
import { mapDeliveryMethod, resolveDeliveryMethod } from '../coursekey/delivery-methods';
import { catalogCourseRow, courseRow } from '../mapping/roster-rows';
import { campusToday, isInSyncWindow, termSearchRange } from '../coursekey/sync-window';
import type { Database } from '../db/database';
import {
  addSkipped,
  addOutcome,
  emptyCounts,
  markSeen,
  markSeenWithPayload,
  quarantinedKeys,
  recordBatchCounts,
  recordIssues,
  UNMODIFIED,
  type IssueInput,
} from '../db/run-bookkeeping';
import { recordListingPage } from '../db/listing-pages';
import { catalogCoursesFetched, recordCatalogCoursesFetched } from '../db/run-progress';
import { recordSisClock } from '../db/sync-watermarks';
import { writeChangedRows } from '../db/write-changed-rows';
import { inResumableParts } from './resumable-parts';
import type { SchoolContext, SchoolContexts } from './school-context';
import { quarantineIssue } from './quarantine-issue';
import { withSisFailures } from './sis-failure';

interface SectionsPageInput {
  schoolId: string;
  syncRunId: string;
  termId: string;
  page: number;
}

export interface SectionsPageResult {
  totalCount: number;
  pageSize: number;
}

/** Sections of a page written per transaction; a retried page goes on after the parts done. */
const SECTIONS_PER_PART = 100;

/** A record the SIS answered badly, or refused to serve: quarantined as an issue, the page goes on. */
function unmappedDeliveryMethodIssue(section: Section): IssueInput {
  return {
    recordType: 'courses',
    sisKey: section.scheduledCourseId,
    rule: 'unmapped-delivery-method',
    severity: 'blocking',
    message: `Section ${section.sectionCode}: delivery method "${section.deliveryMethod.name}" (id ${section.deliveryMethod.id}) has no attendance method in the school configuration. Add it under "deliveryMethods"; the section is not created until then.`,
    details: { deliveryMethod: section.deliveryMethod },
  };
}

/** One per method: its courses keep syncing under the name the mapping still has. */
function staleDeliveryMethodNameIssue(
  current: DeliveryMethod,
  staleName: string,
  attendanceMethod: string,
): IssueInput {
  return {
    recordType: 'courses',
    sisKey: `delivery-method:${current.id}`,
    rule: 'stale-delivery-method-name',
    severity: 'warning',
    message: `Delivery method id ${current.id} is now named "${current.name}" in Campus Cloud, but the school configuration maps it by its earlier name "${staleName}". Its courses keep syncing with attendance method "${attendanceMethod}" (the same SIS id is the same method). Update "deliveryMethods": map it by "sisId": "${current.id}", or change "sisName" to "${current.name}".`,
    details: {
      deliveryMethod: current,
      staleName,
      attendanceMethod,
    },
  };
}

/** Names the school's courses were synced under, per SIS delivery method id (a renamed method's earlier names). */
async function knownDeliveryMethodNames(
  db: Kysely<Database>,
  schoolId: string,
  ids: string[],
): Promise<Map<string, string[]>> {
  const names = new Map<string, string[]>();
  if (ids.length === 0) return names;
  const rows = await db
    .selectFrom('courses')
    .select(['delivery_method_id', 'delivery_method_name'])
    .distinct()
    .where('school_id', '=', schoolId)
    .where('delivery_method_id', 'in', ids)
    .orderBy('delivery_method_name')
    .execute();
  for (const row of rows) {
    names.set(row.delivery_method_id, [
      ...(names.get(row.delivery_method_id) ?? []),
      row.delivery_method_name,
    ]);
  }
  return names;
}

function deliveryMethodChangedIssue(
  section: Section,
  before: { delivery_method_id: string; delivery_method_name: string; attendance_method: string },
): IssueInput {
  return {
    recordType: 'courses',
    sisKey: section.scheduledCourseId,
    rule: 'delivery-method-changed',
    severity: 'warning',
    message: `Section ${section.sectionCode}: the delivery method changed in Campus Cloud from "${before.delivery_method_name}" to "${section.deliveryMethod.name}" after the course was created in CourseKey. Not applied: for the technical team to review the course's attendance method ("${before.attendance_method}").`,
    details: {
      before: { id: before.delivery_method_id, name: before.delivery_method_name },
      after: section.deliveryMethod,
      attendanceMethod: before.attendance_method,
    },
  };
}

/**
 * An incremental run reads again only the sections the SIS stamped at or after its watermark (or
 * whose stamp it cannot read); a full run reads them all.
 */
function splitByModified(entries: TermScheduleEntry[], modifiedSince: string | undefined) {
  if (modifiedSince === undefined) return { toRead: entries, unmodified: [] };
  const since = Date.parse(modifiedSince);
  const toRead: TermScheduleEntry[] = [];
  const unmodified: TermScheduleEntry[] = [];
  for (const entry of entries) {
    const modifiedAt = Date.parse(entry.modifiedAt);
    (Number.isNaN(modifiedAt) || modifiedAt >= since ? toRead : unmodified).push(entry);
  }
  return { toRead, unmodified };
}

/** Which of these sections the school has a course for (active or not). */
async function storedCourseKeys(
  db: Kysely<Database>,
  schoolId: string,
  keys: string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await db
    .selectFrom('courses')
    .select('sis_key')
    .where('school_id', '=', schoolId)
    .where('sis_key', 'in', keys)
    .execute();
  return new Set(rows.map((row) => row.sis_key));
}

const isRecordProblem = (err: unknown) => err instanceof SisBadRecordError || err instanceof SisRequestError;

/**
 * Catalog courses of the runs in progress: a catalog course is taught in many sections, and one
 * GetCourse per run is enough. Pages running at once in this worker share a fetch in flight; a
 * page on another worker, or a retried one, finds what the run fetched in the database.
 */
class RunCatalog {
  /** A few runs at once (schools sync in parallel); the oldest run's courses are dropped first. */
  private static readonly RUNS_KEPT = 8;
  private readonly runs = new Map<string, Map<string, Promise<Course>>>();

  constructor(private readonly db: Kysely<Database>) {}

  /** The courses of `courseIds` each as fetched, or the error that fetching it met. */
  async get(
    syncRunId: string,
    courseIds: string[],
    fetch: (courseId: string) => Promise<Course>,
  ): Promise<Map<string, PromiseSettledResult<Course>>> {
    let courses = this.runs.get(syncRunId);
    if (!courses) {
      courses = new Map();
      this.runs.set(syncRunId, courses);
      if (this.runs.size > RunCatalog.RUNS_KEPT) this.runs.delete(this.runs.keys().next().value!);
    }
    const known = courses;
    const fetchedBefore = await catalogCoursesFetched(
      this.db,
      syncRunId,
      courseIds.filter((id) => !known.has(id)),
    );
    const settled = await Promise.allSettled(
      courseIds.map((courseId) => {
        let course = known.get(courseId);
        if (!course) {
          const stored = fetchedBefore.get(courseId);
          course = stored ? Promise.resolve(catalogCourse.parse(stored)) : fetch(courseId);
          // A failed fetch is not remembered: the next page (or retry) asks again.
          course.catch(() => known.delete(courseId));
          known.set(courseId, course);
        }
        return course;
      }),
    );
    return new Map(courseIds.map((courseId, i) => [courseId, settled[i]!]));
  }
}

export function createCourseActivities(db: Kysely<Database>, schools: SchoolContexts) {
  const runCatalog = new RunCatalog(db);

  /**
   * Some sections of a GetTermSchedule page, each with its catalog course, upserted in one
   * transaction. The page's own records (its rejected entries, its listing) go with its first part.
   */
  async function syncSectionsPart(
    context: SchoolContext,
    input: SectionsPageInput,
    part: { index: number; entries: TermScheduleEntry[]; listing: Page<TermScheduleEntry> | undefined },
    markDone: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<void> {
    const { config, sis, dryRun, target: run } = context;
    const { toRead, unmodified } = splitByModified(part.entries, context.modifiedSince);
    const rejected = part.listing?.rejected ?? [];
    const quarantined = quarantinedKeys(rejected, (id) => id);
    const counts = emptyCounts<'courses'>();
    counts.fetched = part.entries.length + rejected.length;
    counts.failed = rejected.length;
    const issues: IssueInput[] = rejected.map((bad) =>
      quarantineIssue(
        'courses',
        bad.sisId ?? `term ${input.termId} page ${input.page}`,
        new Error(bad.reason),
      ),
    );

    // Listed, so not vanished; unchanged since the watermark, so not read again this run.
    const storedUnmodified = await storedCourseKeys(
      db,
      input.schoolId,
      unmodified.map((entry) => entry.scheduledCourseId),
    );
    counts.unchanged += storedUnmodified.size;
    addSkipped(counts, 'not-modified', unmodified.length - storedUnmodified.size);

    const sections: Section[] = [];
    await Promise.all(
      toRead.map(async (entry) => {
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
    // The campuses of one SIS share its terms and GetTermSchedule names no campus: a section of
    // another campus is not this school's, nor are its students.
    const ours = sections.filter((section) => section.campusId === config.campusId);
    addSkipped(counts, 'other-campus', sections.length - ours.length);
    const today = campusToday(config);
    const inWindow = ours.filter((section) => isInSyncWindow(config, today, section));
    addSkipped(counts, 'outside-sync-window', ours.length - inWindow.length);

    const catalog = new Map<string, Course>();
    const courseIds = [...new Set(inWindow.map((section) => section.courseId))];
    for (const [courseId, fetched] of await runCatalog.get(input.syncRunId, courseIds, (id) =>
      sis.getCourse(id),
    )) {
      if (fetched.status === 'fulfilled') catalog.set(courseId, fetched.value);
      else if (isRecordProblem(fetched.reason))
        issues.push(quarantineIssue('courses', `catalog ${courseId}`, fetched.reason));
      else throw fetched.reason;
    }

    const stored = new Map(
      inWindow.length === 0
        ? []
        : (
            await db
              .selectFrom('courses')
              .select([
                'sis_key',
                'delivery_method_id',
                'delivery_method_name',
                'attendance_method',
                'modality',
              ])
              .where('school_id', '=', input.schoolId)
              .where(
                'sis_key',
                'in',
                inWindow.map((section) => section.scheduledCourseId),
              )
              .execute()
          ).map((row) => [row.sis_key, row]),
    );

    const unmappedIds = inWindow
      .filter((section) => !mapDeliveryMethod(config, section.deliveryMethod))
      .map((section) => section.deliveryMethod.id);
    const knownNames = await knownDeliveryMethodNames(db, input.schoolId, [...new Set(unmappedIds)]);

    const rows: ReturnType<typeof courseRow>[] = [];
    for (const section of inWindow) {
      const before = stored.get(section.scheduledCourseId);
      if (before && before.delivery_method_id !== section.deliveryMethod.id) {
        // Changing how attendance is taken under a running course is a decision for people.
        issues.push(deliveryMethodChangedIssue(section, before));
        const kept = mapDeliveryMethod(config, {
          id: before.delivery_method_id,
          name: before.delivery_method_name,
        });
        if (kept && catalog.has(section.courseId)) {
          rows.push(
            courseRow(input.schoolId, section, kept, {
              id: before.delivery_method_id,
              name: before.delivery_method_name,
            }),
          );
          continue;
        }
      }
      const { id } = section.deliveryMethod;
      const ownName = before?.delivery_method_id === id ? [before.delivery_method_name] : [];
      const resolved = resolveDeliveryMethod(config, section.deliveryMethod, [
        ...ownName,
        ...(knownNames.get(id) ?? []),
      ]);
      // Skipped, not gone: an existing course must not read as vanished from the SIS.
      if (!resolved) {
        addSkipped(counts, 'unmapped-delivery-method');
        quarantined.push(section.scheduledCourseId);
        issues.push(unmappedDeliveryMethodIssue(section));
        continue;
      }
      if (resolved.staleName !== undefined) {
        issues.push(
          staleDeliveryMethodNameIssue(section.deliveryMethod, resolved.staleName, resolved.mapped.name),
        );
      }
      if (!catalog.has(section.courseId)) {
        addSkipped(counts, 'catalog-course-missing');
        quarantined.push(section.scheduledCourseId);
        continue;
      }
      rows.push(courseRow(input.schoolId, section, resolved.mapped, resolved.deliveryMethod));
    }

    await db.transaction().execute(async (trx) => {
      await recordCatalogCoursesFetched(trx, input.syncRunId, [...catalog.values()]);
      await writeChangedRows(
        trx,
        'catalog_courses',
        input.schoolId,
        [...catalog.values()].map((course) => catalogCourseRow(input.schoolId, course)),
        { dryRun },
      );
      const outcome = await writeChangedRows(trx, 'courses', input.schoolId, rows, {
        skipNewInactive: true,
        dryRun,
        deferDeactivations: { syncRunId: input.syncRunId, recordType: 'courses' },
      });
      addOutcome(counts, outcome);
      addSkipped(counts, 'cancelled', outcome.skippedNewInactive);
      await markSeenWithPayload(trx, input.syncRunId, 'courses', rows);
      await markSeen(trx, input.syncRunId, 'courses', quarantined);
      await markSeenWithPayload(
        trx,
        input.syncRunId,
        'courses',
        unmodified.map((entry) => ({ sis_key: entry.scheduledCourseId, ...UNMODIFIED })),
      );
      if (part.listing) {
        await recordListingPage(
          trx,
          input.syncRunId,
          'courses',
          `GetTermSchedule ${input.termId}`,
          input.page,
          listedPage(
            part.listing,
            part.listing.items.map((entry) => entry.scheduledCourseId),
          ),
        );
      }
      await recordIssues(trx, run, issues);
      await recordBatchCounts(
        trx,
        input.syncRunId,
        'courses',
        `term:${input.termId}:page:${input.page}:part:${part.index}`,
        counts,
      );
      await markDone(trx);
    });
  }

  return {
    /** Term ids whose dates can hold a section inside the school's sync window. */
    async listSyncTerms(input: { syncRunId: string }): Promise<string[]> {
      return withSisFailures(async () => {
        const { config, sis } = await schools.forRun(input.syncRunId);
        const range = termSearchRange(config, campusToday(config));
        const terms = await sis.getTerms(config.campusId, range.from, range.to);
        await recordSisClock(db, input.syncRunId, terms.serverTime);
        return terms.items
          .filter((term) => term.startDate <= range.to && term.endDate >= range.from)
          .map((term) => term.termId)
          .sort();
      });
    },

    /** One GetTermSchedule page, part by part (SECTIONS_PER_PART); a retry goes on after the parts done. */
    async syncSectionsPage(input: SectionsPageInput): Promise<SectionsPageResult> {
      return withSisFailures(async () => {
        const context = await schools.forRun(input.syncRunId);
        const listing = await context.sis.getTermSchedule(
          input.termId,
          input.page,
          context.config.sis.pageSize,
        );
        if (input.page === 1) await recordSisClock(db, input.syncRunId, listing.serverTime);
        const entries = [...listing.items].sort((a, b) =>
          a.scheduledCourseId.localeCompare(b.scheduledCourseId),
        );
        await inResumableParts(
          db,
          { syncRunId: input.syncRunId, work: `sections ${input.termId} page ${input.page}` },
          entries,
          (entry) => entry.scheduledCourseId,
          SECTIONS_PER_PART,
          (part, index, markDone) =>
            syncSectionsPart(
              context,
              input,
              { index, entries: part, listing: index === 0 ? listing : undefined },
              markDone,
            ),
        );
        return { totalCount: listing.totalCount, pageSize: listing.pageSize };
      });
    },
  };
}
