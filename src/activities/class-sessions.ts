/**
 * Meetings: GetSchedule weekly patterns expanded into dated class sessions. Sessions are created
 * once; a later change in the SIS schedule is reported as drift (or, by the school's opt-in,
 * applied to future sessions, which cannot have attendance yet). The course-setup checklist runs
 * here too, since it needs the section and its schedule together.
 */
import { DateTime } from 'luxon';
import type { Kysely, Transaction } from 'kysely';
import type { ScheduleEntry } from '../campus-cloud/schemas';
import { expandWeeklySchedule } from '../coursekey/class-sessions';
import { checkSection } from '../coursekey/course-checklist';
import { classSessionRow } from '../mapping/roster-rows';
import { campusToday } from '../coursekey/sync-window';
import type { Database } from '../db/database';
import {
  addSkipped,
  addOutcome,
  emptyCounts,
  recordBatchCounts,
  recordIssues,
  type BatchCounts,
  type IssueInput,
} from '../db/run-bookkeeping';
import { writeChangedRows } from '../db/write-changed-rows';
import type { SchoolContext, SchoolContexts } from './school-context';
import { partKey, syncSectionBatch, type SectionBatchInput, type SyncedSection } from './section-batches';

type SessionRow = ReturnType<typeof classSessionRow>;
interface StoredSession {
  sis_key: string;
  content_hash: string;
  session_date: string;
  starts_at: Date | null;
  ends_at: Date | null;
  minutes: number;
}

interface SessionDiff {
  added: SessionRow[];
  removed: StoredSession[];
  changed: { before: StoredSession; after: SessionRow }[];
  unchanged: number;
}

function diffSessions(planned: SessionRow[], stored: StoredSession[]): SessionDiff {
  const byKey = new Map(stored.map((session) => [session.sis_key, session]));
  const plannedKeys = new Set(planned.map((row) => row.sis_key));
  const diff: SessionDiff = { added: [], removed: [], changed: [], unchanged: 0 };
  for (const row of planned) {
    const before = byKey.get(row.sis_key);
    if (!before) diff.added.push(row);
    else if (before.content_hash !== row.content_hash) diff.changed.push({ before, after: row });
    else diff.unchanged++;
  }
  diff.removed = stored.filter((session) => !plannedKeys.has(session.sis_key));
  return diff;
}

function describeSession(
  session: { session_date: string; starts_at?: Date | null; ends_at?: Date | null; minutes?: number },
  zone: string,
): string {
  const time = (value: Date | null | undefined) =>
    value ? DateTime.fromJSDate(value, { zone }).toFormat('HH:mm') : undefined;
  const start = time(session.starts_at);
  return start
    ? `${session.session_date} ${start}-${time(session.ends_at)}`
    : `${session.session_date} async ${session.minutes} min`;
}

function driftIssue(section: SyncedSection, diff: SessionDiff, zone: string, applied: boolean): IssueInput {
  const parts = [
    diff.added.length && `${diff.added.length} added`,
    diff.removed.length && `${diff.removed.length} removed`,
    diff.changed.length && `${diff.changed.length} changed`,
  ].filter(Boolean);
  const example = diff.changed[0]
    ? ` (e.g. ${describeSession(diff.changed[0].before, zone)} is now ${describeSession(diff.changed[0].after, zone)})`
    : '';
  const fix = applied
    ? 'Future sessions were updated by the school opt-in; past sessions are kept as they were. Correct past sessions in CourseKey if needed.'
    : 'Sessions are not changed automatically: update them in CourseKey, or opt in with "safety.applyScheduleChangesToFutureSessions".';
  return {
    recordType: 'courses',
    sisKey: section.sis_key,
    rule: 'schedule-drift',
    severity: 'warning',
    message: `Section ${section.section_code}: the Campus Cloud schedule changed after class sessions were created: ${parts.join(', ')}${example}. ${fix}`,
    details: {
      added: diff.added.slice(0, 20).map((row) => describeSession(row, zone)),
      removed: diff.removed.slice(0, 20).map((row) => describeSession(row, zone)),
      changed: diff.changed.slice(0, 20).map(({ before, after }) => ({
        before: describeSession(before, zone),
        after: describeSession(after, zone),
      })),
    },
  };
}

export function createClassSessionActivities(db: Kysely<Database>, schools: SchoolContexts) {
  /** Some sections' schedules -> their class sessions, in one transaction. */
  async function syncSessionsOfSections(
    context: SchoolContext,
    input: SectionBatchInput,
    sections: SyncedSection[],
    part: number,
    markDone: (trx: Transaction<Database>) => Promise<void>,
  ): Promise<void> {
    const { config, sis, dryRun, target: run } = context;
    const zone = config.timeZone;
    const counts: BatchCounts<'class_sessions'> = emptyCounts();
    const issues: IssueInput[] = [];
    const planned = new Map<string, SessionRow[]>();
    // A schedule with a bad entry, or none at all, is not trusted to move or delete sessions.
    const doubtful = new Set<string>();

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
            message: `Section ${section.section_code}: a schedule entry cannot be used (${bad.reason}). Correct the meeting pattern in Campus Cloud.`,
          });
        }
        const entries = schedule.items as ScheduleEntry[];
        if (schedule.rejected.length || entries.length === 0) doubtful.add(section.sis_key);
        for (const violation of checkSection(
          {
            sectionCode: section.section_code,
            modality: section.modality,
            deliveryMethodName: section.delivery_method_name,
            startDate: section.start_date,
            endDate: section.end_date,
            minutesPerDay: section.minutes_per_day,
            syncMinutes: section.sync_minutes,
            asyncMinutes: section.async_minutes,
            lmsCode: section.lms_code,
          },
          entries,
        )) {
          issues.push({
            recordType: 'courses',
            sisKey: section.sis_key,
            severity: 'blocking',
            ...violation,
          });
        }
        if (!section.start_date || !section.end_date) return;
        const dates = { startDate: section.start_date, endDate: section.end_date };
        const rows = expandWeeklySchedule(dates, entries, zone).map((session) =>
          classSessionRow(input.schoolId, section.sis_key, session),
        );
        // Counted as the dated sessions the pattern implies: the unit CourseKey stores.
        counts.fetched += rows.length;
        planned.set(section.sis_key, rows);
      }),
    );

    const stored =
      planned.size === 0
        ? []
        : await db
            .selectFrom('class_sessions')
            .select([
              'sis_key',
              'course_sis_key',
              'content_hash',
              'session_date',
              'starts_at',
              'ends_at',
              'minutes',
            ])
            .where('school_id', '=', input.schoolId)
            .where('course_sis_key', 'in', [...planned.keys()])
            .execute();
    const storedBySection = new Map<string, StoredSession[]>();
    for (const session of stored) {
      storedBySection.set(session.course_sis_key, [
        ...(storedBySection.get(session.course_sis_key) ?? []),
        session,
      ]);
    }
    const today = campusToday(config);
    const applyToFuture = config.safety.applyScheduleChangesToFutureSessions && !dryRun;

    const toWrite: SessionRow[] = [];
    const toDelete: string[] = [];
    for (const section of sections) {
      const rows = planned.get(section.sis_key);
      if (!rows) continue;
      const diff = diffSessions(rows, storedBySection.get(section.sis_key) ?? []);
      counts.unchanged += diff.unchanged;
      if (diff.unchanged + diff.changed.length + diff.removed.length === 0) {
        toWrite.push(...diff.added); // a new section: every session is created
        continue;
      }
      if (diff.added.length + diff.changed.length + diff.removed.length === 0) continue;
      const applied = applyToFuture && !doubtful.has(section.sis_key);
      const future = (date: string) => applied && date > today;
      const pending: SessionDiff = {
        added: diff.added.filter((row) => !future(row.session_date)),
        removed: diff.removed.filter((row) => !future(row.session_date)),
        changed: diff.changed.filter(({ after }) => !future(after.session_date)),
        unchanged: 0,
      };
      toWrite.push(...diff.added.filter((row) => future(row.session_date)));
      toWrite.push(
        ...diff.changed.filter(({ after }) => future(after.session_date)).map(({ after }) => after),
      );
      toDelete.push(...diff.removed.filter((row) => future(row.session_date)).map((row) => row.sis_key));
      addSkipped(counts, 'drift-not-applied', pending.added.length + pending.changed.length);
      issues.push(driftIssue(section, applied ? diff : pending, zone, applied));
    }

    await db.transaction().execute(async (trx) => {
      addOutcome(counts, await writeChangedRows(trx, 'class_sessions', input.schoolId, toWrite, { dryRun }));
      if (toDelete.length && !dryRun) {
        // Future sessions only: they cannot hold attendance yet.
        await trx
          .deleteFrom('class_sessions')
          .where('school_id', '=', input.schoolId)
          .where('sis_key', 'in', toDelete)
          .execute();
        counts.deactivated += toDelete.length;
      }
      await recordIssues(trx, run, issues);
      await recordBatchCounts(trx, input.syncRunId, 'class_sessions', partKey(input, part), counts);
      await markDone(trx);
    });
  }

  return {
    syncClassSessionsBatch: (input: SectionBatchInput) =>
      syncSectionBatch(db, schools, 'class_sessions', input, (context, sections, part, markDone) =>
        syncSessionsOfSections(context, input, sections, part, markDone),
      ),
  };
}
