/** Enrollments and instructor assignments -> course members. Drops deactivate; nothing is deleted. */
import { sql, type Kysely, type Transaction } from 'kysely';
import { listedPage, listingChange, type ListedPage } from '../campus-cloud/paged-listing';
import type { Enrollment } from '../campus-cloud/schemas';
import { enrollmentDates } from '../coursekey/enrollment-dates';
import {
  instructorMemberRow,
  isActiveEnrollment,
  memberKey,
  studentKey,
  studentMemberRow,
  userKey,
  vanishedMemberRow,
} from '../mapping/roster-rows';
import { campusToday } from '../coursekey/sync-window';
import type { Database } from '../db/database';
import {
  addSkipped,
  addOutcome,
  emptyCounts,
  recordBatchCounts,
  recordIssues,
  type IssueInput,
} from '../db/run-bookkeeping';
import { writeChangedRows } from '../db/write-changed-rows';
import { listingChangedIssue } from './changed-listings';
import { quarantineIssue } from './quarantine-issue';
import type { SchoolContext, SchoolContexts } from './school-context';
import { partKey, syncSectionBatch, type SectionBatchInput, type SyncedSection } from './section-batches';
import { instructorSeenKey, syncReferencedUsers } from './users';

/**
 * One enrollment per student and section (a student dropped and registered again is listed twice):
 * an active one wins, then the latest status date. Two rows for one member would both deactivate a
 * registered student and fail the bulk write.
 */
function onePerStudent(enrollments: Enrollment[]): Enrollment[] {
  const byStudent = new Map<string, Enrollment>();
  for (const enrollment of enrollments) {
    const kept = byStudent.get(enrollment.studentId);
    const rank = (e: Enrollment) => [isActiveEnrollment(e) ? 1 : 0, e.statusDate ?? ''] as const;
    const [keptActive, keptDate] = kept ? rank(kept) : [-1, ''];
    const [active, date] = rank(enrollment);
    if (!kept || active > keptActive || (active === keptActive && date > keptDate)) {
      byStudent.set(enrollment.studentId, enrollment);
    }
  }
  return [...byStudent.values()];
}

function unknownStudentIssue(section: SyncedSection, enrollment: Enrollment): IssueInput {
  return {
    recordType: 'course_members',
    sisKey: `${section.sis_key}:enrollment:${enrollment.enrollmentId}`,
    rule: 'enrollment-student-not-found',
    severity: 'warning',
    message: `Section ${section.section_code}: enrollment ${enrollment.enrollmentId} names student ${enrollment.studentId}, whom Campus Cloud does not know (GetStudentByID answers 404). It is not an active course member and no attendance is posted for it. Correct the enrollment's student in Campus Cloud; the next sync picks it up.`,
    details: {
      scheduledCourseId: section.sis_key,
      enrollmentId: enrollment.enrollmentId,
      studentId: enrollment.studentId,
    },
  };
}

export function createCourseMemberActivities(db: Kysely<Database>, schools: SchoolContexts) {
  /** Some sections' enrollments and instructors -> their course members, in one transaction. */
  async function syncMembersOfSections(
    context: SchoolContext,
    input: SectionBatchInput,
    sections: SyncedSection[],
    part: number,
    markDone: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<void> {
    const { config, sis, dryRun, target: run } = context;
    const courseKeys = sections.map((section) => section.sis_key);
    const counts = emptyCounts<'course_members'>();
    const issues: IssueInput[] = [];

    const enrollments = new Map<string, Enrollment[]>();
    // A section whose listing had a bad record, or changed while it was read, cannot tell who
    // vanished: no deactivation there.
    const incompleteSections = new Set<string>();
    await Promise.all(
      sections.map(async (section) => {
        const all: Enrollment[] = [];
        const pages: ListedPage[] = [];
        for (let page = 1; ; page++) {
          const listing = await sis.getEnrollment(section.sis_key, page, config.sis.pageSize);
          all.push(...listing.items);
          pages.push(
            listedPage(
              listing,
              listing.items.map((enrollment) => enrollment.enrollmentId),
            ),
          );
          counts.fetched += listing.items.length + listing.rejected.length;
          counts.failed += listing.rejected.length;
          if (listing.rejected.length) incompleteSections.add(section.sis_key);
          for (const bad of listing.rejected) {
            issues.push(
              quarantineIssue(
                'course_members',
                `${section.sis_key}:${bad.sisId ?? 'unknown'}`,
                new Error(bad.reason),
              ),
            );
          }
          if (page * listing.pageSize >= listing.totalCount || listing.items.length === 0) break;
        }
        const change = listingChange(pages);
        if (change) {
          incompleteSections.add(section.sis_key);
          issues.push(listingChangedIssue('course_members', `GetEnrollment ${section.sis_key}`, change));
        }
        const kept = onePerStudent(all);
        addSkipped(counts, 'superseded-enrollment', all.length - kept.length);
        enrollments.set(section.sis_key, kept);
      }),
    );

    // Students an enrollment names but GetStudents did not list this run: fetch them by id first.
    const referenced = [...new Set([...enrollments.values()].flat().map((e) => studentKey(e.studentId)))];
    const known = new Set(
      referenced.length === 0
        ? []
        : (
            await db
              .selectFrom('sync_seen')
              .select('sis_key')
              .where('sync_run_id', '=', input.syncRunId)
              .where('record_type', '=', 'users')
              .where('sis_key', 'in', referenced)
              .execute()
          ).map((row) => row.sis_key),
    );
    // An incremental run listed only the students changed since its watermark: the others it has
    // stored are as the SIS has them, and need no GetStudentByID.
    if (context.modifiedSince !== undefined && referenced.length > 0) {
      const stored = await db
        .selectFrom('users')
        .select('sis_key')
        .where('school_id', '=', input.schoolId)
        .where('sis_key', 'in', referenced)
        .execute();
      for (const row of stored) known.add(row.sis_key);
    }
    const { notFound } = await syncReferencedUsers(
      db,
      sis,
      run,
      `enrolled-students:batch:${input.batch}:part:${part}`,
      referenced.filter((key) => !known.has(key)),
    );

    const instructorIds = [...new Set(sections.flatMap((section) => section.instructor_sis_ids))];
    const instructorUsers = new Map(
      instructorIds.length === 0
        ? []
        : (
            await db
              .selectFrom('sync_seen')
              .select(['sis_key', sql<string>`payload ->> 'user_sis_id'`.as('userId')])
              .where('sync_run_id', '=', input.syncRunId)
              .where('record_type', '=', 'users')
              .where('sis_key', 'in', instructorIds.map(instructorSeenKey))
              .execute()
          ).map((row) => [row.sis_key, userKey(row.userId)]),
    );

    const instructorRows: ReturnType<typeof instructorMemberRow>[] = [];
    for (const section of sections) {
      for (const instructorId of section.instructor_sis_ids) {
        counts.fetched++;
        const user = instructorUsers.get(instructorSeenKey(instructorId));
        if (!user) {
          // Whoever teaches it now is unknown this run: keep the current instructors.
          incompleteSections.add(section.sis_key);
          addSkipped(counts, 'instructor-not-found');
          issues.push({
            recordType: 'course_members',
            sisKey: `${section.sis_key}:instructor:${instructorId}`,
            rule: 'unknown-instructor',
            severity: 'warning',
            message: `Section ${section.sis_key}: instructor ${instructorId} is not in GetInstructors. Check the instructor record in Campus Cloud.`,
          });
          continue;
        }
        instructorRows.push(instructorMemberRow(input.schoolId, section.sis_key, user, true));
      }
    }

    const today = campusToday(config);
    await db.transaction().execute(async (trx) => {
      const stored =
        courseKeys.length === 0
          ? []
          : await trx
              .selectFrom('course_members')
              .selectAll()
              .where('school_id', '=', input.schoolId)
              .where('course_sis_key', 'in', courseKeys)
              .execute();
      // A membership's dates build on the stored ones: the registration date outlives a drop.
      const storedByKey = new Map(stored.map((member) => [member.sis_key, member]));
      // Stored (inactive) so the course lookup can tell why, but skipped: no member without a user.
      const uncountedKeys = new Set<string>();
      const rows = [...instructorRows];
      for (const section of sections) {
        for (const enrollment of enrollments.get(section.sis_key) ?? []) {
          const key = memberKey(section.sis_key, 'student', studentKey(enrollment.studentId));
          const before = storedByKey.get(key);
          const dates = enrollmentDates(
            { ...enrollment, active: isActiveEnrollment(enrollment) },
            before && { enrolledFrom: before.enrolled_from, enrolledUntil: before.enrolled_until },
            today,
          );
          // A member without a user would have absences posted every session: quarantined instead.
          const studentFound = !notFound.has(studentKey(enrollment.studentId));
          if (!studentFound) {
            addSkipped(counts, 'student-not-found');
            uncountedKeys.add(key);
          }
          if (!studentFound && isActiveEnrollment(enrollment)) {
            issues.push(unknownStudentIssue(section, enrollment));
          }
          rows.push(studentMemberRow(input.schoolId, section.sis_key, enrollment, dates, studentFound));
        }
      }
      // Members the SIS no longer lists for these sections are kept, inactive.
      const listed = new Set(rows.map((row) => row.sis_key));
      const vanished = stored
        .filter(
          (member) =>
            member.active && !listed.has(member.sis_key) && !incompleteSections.has(member.course_sis_key),
        )
        .map((member) => vanishedMemberRow(member, today));
      // Not fetched: counted only as deactivated, once the run settles its deactivations.
      for (const member of vanished) uncountedKeys.add(member.sis_key);
      addOutcome(
        counts,
        await writeChangedRows(trx, 'course_members', input.schoolId, [...rows, ...vanished], {
          dryRun,
          deferDeactivations: { syncRunId: input.syncRunId, recordType: 'course_members' },
          uncountedKeys,
        }),
      );
      await recordIssues(trx, run, issues);
      await recordBatchCounts(trx, input.syncRunId, 'course_members', partKey(input, part), counts);
      await markDone(trx);
    });
  }

  return {
    syncCourseMembersBatch: (input: SectionBatchInput) =>
      syncSectionBatch(db, schools, 'course_members', input, (context, sections, part, markDone) =>
        syncMembersOfSections(context, input, sections, part, markDone),
      ),
  };
}
