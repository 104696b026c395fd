/**
 * Mass-change safety. Every deactivation of a run (a cancelled section, an inactive user, a dropped
 * enrollment, a record the SIS no longer lists) waits in pending_deactivations until all pages are
 * in. Then, per record type, they are applied if they stay within the school's threshold, and held
 * for approval otherwise: a bad SIS answer never mass-deactivates a school.
 */
import { ApplicationFailure } from '@temporalio/activity';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import type { RecordType } from '../coursekey/record-types';
import { campusToday, termSearchRange } from '../coursekey/sync-window';
import {
  emptyCounts,
  INCOMPLETE_LISTING,
  recordBatchCounts,
  recordIssues,
  type IssueInput,
} from '../db/run-bookkeeping';
import { writeChangedRows, type RosterTable } from '../db/write-changed-rows';
import { countHeldDeactivations } from '../metrics/sync-metrics';
import { markChangedListings } from './changed-listings';
import { alertIfChanged, type FleetContext } from './fleet-alerts';
import type { SchoolContexts } from './school-context';
import { reportSharedEmails } from './users';

export type DeactivationCounts = Partial<Record<RecordType, number>>;

export interface SettledDeactivations {
  applied: DeactivationCounts;
  held: DeactivationCounts;
  /** How long the run waits for an approval of held deactivations. */
  approvalWait: string;
}

/** A listing this much smaller than the last one (records fetched) is an SIS failure, not news. */
const MIN_RECORDS_FOR_EMPTY_CHECK = 10;

const guardedTypes = ['courses', 'users', 'course_members'] as const;
const tableOf: Record<(typeof guardedTypes)[number], RosterTable> = {
  courses: 'courses',
  users: 'users',
  course_members: 'course_members',
};

/** Listings are grouped by their batch keys: "students:page:3" -> "students"; all sections are one. */
const listingOf = (recordType: string, batchKey: string) =>
  recordType === 'courses' ? 'sections' : batchKey.split(':page:')[0]!;

export function createDeactivationActivities(
  db: Kysely<Database>,
  schools: SchoolContexts,
  fleet: FleetContext,
) {
  async function activeCount(schoolId: string, recordType: (typeof guardedTypes)[number]): Promise<number> {
    const row = await db
      .selectFrom(tableOf[recordType] as 'courses')
      .select(({ fn }) => fn.countAll<string>().as('n'))
      .where('school_id', '=', schoolId)
      .where('active', '=', true)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function applyPending(
    schoolId: string,
    syncRunId: string,
    recordType: (typeof guardedTypes)[number],
    batchKey: string,
  ): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const pending = await trx
        .selectFrom('pending_deactivations')
        .select(['sis_key', 'row'])
        .where('sync_run_id', '=', syncRunId)
        .where('record_type', '=', recordType)
        .execute();
      const table = tableOf[recordType];
      const rows = pending.flatMap((p) => (p.row ? [p.row as never] : []));
      const outcome = await writeChangedRows(trx, table, schoolId, rows);
      const vanished = pending.filter((p) => !p.row).map((p) => p.sis_key);
      if (vanished.length) {
        await trx
          .updateTable(table as 'courses')
          .set({ active: false, sis_status: 'Not listed by SIS', content_hash: '', updated_at: sql`now()` })
          .where('school_id', '=', schoolId)
          .where('sis_key', 'in', vanished)
          .where('active', '=', true)
          .execute();
      }
      const deactivated = outcome.deactivated + vanished.length;
      await recordBatchCounts(trx, syncRunId, recordType, batchKey, { ...emptyCounts(), deactivated });
      return deactivated;
    });
  }

  return {
    /**
     * Fails the run when a listing came back empty although the last completed run fetched many
     * records from it: an SIS outage or a permission change must not read as "everyone left".
     */
    async checkListingsNotEmpty(input: { schoolId: string; syncRunId: string }): Promise<void> {
      const fetchedByListing = async (syncRunId: string) => {
        const rows = await db
          .selectFrom('sync_run_counts')
          .select(['record_type', 'batch_key', 'fetched', 'skipped_by'])
          .where('sync_run_id', '=', syncRunId)
          .where('record_type', 'in', ['courses', 'users'])
          .execute();
        const totals = new Map<string, number>();
        for (const row of rows) {
          if (row.batch_key.includes(':page:')) {
            const listing = listingOf(row.record_type, row.batch_key);
            // Another campus's sections say nothing of whether the SIS still lists this school's.
            const ours = row.fetched - (row.skipped_by['other-campus'] ?? 0);
            totals.set(listing, (totals.get(listing) ?? 0) + ours);
          }
        }
        return totals;
      };
      const previousRun = (listedAllStudents: boolean) =>
        db
          .selectFrom('sync_runs')
          .select('id')
          .where('school_id', '=', input.schoolId)
          .where('kind', '=', 'sync')
          .where('status', '=', 'completed')
          .where('id', '!=', input.syncRunId)
          .$if(listedAllStudents, (query) =>
            query.where((eb) => eb.or([eb('mode', 'is', null), eb('mode', '=', 'full')])),
          )
          .orderBy('id', 'desc')
          .limit(1)
          .executeTakeFirst();
      const [previous, previousFull] = await Promise.all([previousRun(false), previousRun(true)]);
      if (!previous) return;
      const [now, before, beforeFull] = await Promise.all([
        fetchedByListing(input.syncRunId),
        fetchedByListing(previous.id),
        previousFull ? fetchedByListing(previousFull.id) : new Map<string, number>(),
      ]);
      // An incremental run lists only the students changed since its watermark: few or none is
      // news, not an outage. A full run compares its students with the last full list.
      const { modifiedSince } = await schools.forRun(input.syncRunId);
      if (modifiedSince === undefined) before.set('students', beforeFull.get('students') ?? 0);
      else before.delete('students');
      for (const [listing, count] of before) {
        if (count >= MIN_RECORDS_FOR_EMPTY_CHECK && (now.get(listing) ?? 0) === 0) {
          throw ApplicationFailure.nonRetryable(
            `The SIS returned no ${listing} although the last completed run fetched ${count}. Nothing was deactivated. Check the SIS and the service account's access, then run the sync again.`,
            'EmptySisListing',
          );
        }
      }
    },

    /**
     * Sections of the run's terms and users that no listing of this run contained; a listing that
     * changed while it was read deactivates nothing. With every user of the run in, it also
     * reports users that share an email address.
     */
    async collectVanishedRecords(input: {
      schoolId: string;
      syncRunId: string;
      termIds: string[];
    }): Promise<void> {
      const { config, target, modifiedSince } = await schools.forRun(input.syncRunId);
      const range = termSearchRange(config, campusToday(config));
      // Unlogged scratch data is emptied by a PostgreSQL crash: then everyone would look vanished.
      const seen = await db
        .selectFrom('sync_seen')
        .select('sis_key')
        .where('sync_run_id', '=', input.syncRunId)
        .limit(1)
        .executeTakeFirst();
      const fetched = await db
        .selectFrom('sync_run_counts')
        .select(({ fn }) => fn.sum<string>('fetched').as('n'))
        .where('sync_run_id', '=', input.syncRunId)
        .where('record_type', 'in', ['courses', 'users'])
        .executeTakeFirst();
      if (!seen && Number(fetched?.n ?? 0) > 0) {
        throw ApplicationFailure.nonRetryable(
          'The run lost its record of what the SIS listed (PostgreSQL restarted mid-run). Nothing was deactivated; the next run starts afresh.',
          'RunStateLost',
        );
      }
      await markChangedListings(db, target);
      // sync_seen just grew by every record of the run: without fresh statistics the planner
      // picks a nested-loop anti-join over it (minutes, instead of milliseconds, for 66k users).
      await sql`ANALYZE sync_seen`.execute(db);
      const incomplete = await db
        .selectFrom('sync_seen')
        .select('record_type')
        .where('sync_run_id', '=', input.syncRunId)
        .where('sis_key', '=', INCOMPLETE_LISTING)
        .execute();
      const listedFully = (type: RecordType) => !incomplete.some((row) => row.record_type === type);
      const notSeen = (recordType: RecordType, table: 'courses' | 'users') =>
        sql<boolean>`NOT EXISTS (SELECT 1 FROM sync_seen s WHERE s.sync_run_id = ${input.syncRunId}
          AND s.record_type = ${recordType} AND s.sis_key = ${sql.table(table)}.sis_key)`;
      const pending = (recordType: RecordType, table: 'courses' | 'users') =>
        sql.join([
          sql`${input.syncRunId}::bigint`,
          sql`${recordType}`,
          sql`${table}`,
          sql`sis_key`,
          sql`NULL::jsonb`,
        ]);

      if (input.termIds.length && listedFully('courses')) {
        await sql`
          INSERT INTO pending_deactivations (sync_run_id, record_type, table_name, sis_key, row)
          SELECT ${pending('courses', 'courses')} FROM courses
          WHERE school_id = ${input.schoolId} AND active AND term_sis_id IN (${sql.join(input.termIds)})
            -- Sections that aged out of the sync window simply stop syncing; they did not vanish.
            AND (start_date IS NULL OR start_date <= ${range.to}) AND (end_date IS NULL OR end_date >= ${range.from})
            AND ${notSeen('courses', 'courses')}
          ON CONFLICT DO NOTHING
        `.execute(db);
      }
      if (listedFully('users')) {
        // An incremental run listed only the students changed since its watermark: a student it did
        // not list has not left. GetUsers (and GetUser for instructors) it read whole.
        const listedKinds = modifiedSince === undefined ? ['student', 'user'] : ['user'];
        await sql`
          INSERT INTO pending_deactivations (sync_run_id, record_type, table_name, sis_key, row)
          SELECT ${pending('users', 'users')} FROM users
          WHERE school_id = ${input.schoolId} AND active AND sis_kind IN (${sql.join(listedKinds)})
            AND ${notSeen('users', 'users')}
          ON CONFLICT DO NOTHING
        `.execute(db);
      }
      await reportSharedEmails(db, target);
    },

    /** Applies the run's deactivations that stay within the threshold; holds the others. */
    async settleDeactivations(input: { schoolId: string; syncRunId: string }): Promise<SettledDeactivations> {
      const { config, dryRun, target } = await schools.forRun(input.syncRunId);
      const pendingRows = await db
        .selectFrom('pending_deactivations')
        .select(['record_type', ({ fn }) => fn.countAll<string>().as('n')])
        .where('sync_run_id', '=', input.syncRunId)
        .groupBy('record_type')
        .execute();
      const settled: SettledDeactivations = {
        applied: {},
        held: {},
        approvalWait: config.safety.approvalWait,
      };
      const issues: IssueInput[] = [];
      // A retry after some types were applied must not judge them again against a smaller base.
      const alreadyApplied = await db
        .selectFrom('sync_run_counts')
        .select(['record_type', 'deactivated'])
        .where('sync_run_id', '=', input.syncRunId)
        .where('batch_key', '=', 'deactivations')
        .execute();
      for (const recordType of guardedTypes) {
        const pending = Number(pendingRows.find((row) => row.record_type === recordType)?.n ?? 0);
        if (pending === 0) continue;
        const applied = alreadyApplied.find((row) => row.record_type === recordType);
        if (applied) {
          settled.applied[recordType] = applied.deactivated;
          continue;
        }
        if (dryRun) {
          // What a real run would deactivate, before its safety check.
          await recordBatchCounts(db, input.syncRunId, recordType, 'deactivations', {
            ...emptyCounts(),
            deactivated: pending,
          });
          settled.applied[recordType] = pending;
          continue;
        }
        const active = await activeCount(input.schoolId, recordType);
        const share = active === 0 ? 0 : pending / active;
        if (share <= config.safety.maxDeactivationShare) {
          settled.applied[recordType] = await applyPending(
            input.schoolId,
            input.syncRunId,
            recordType,
            'deactivations',
          );
          continue;
        }
        settled.held[recordType] = pending;
        const label = recordType.replace('_', ' ');
        issues.push({
          recordType,
          sisKey: '*',
          rule: 'mass-deactivation-held',
          severity: 'blocking',
          message: `This run would deactivate ${pending} of ${active} active ${label} (${Math.round(share * 100)}%), above the ${Math.round(config.safety.maxDeactivationShare * 100)}% safety threshold. Held: if Campus Cloud is right, approve with \`npm run cli -- approve --school ${input.schoolId}\`; otherwise fix the SIS and the next run re-checks.`,
          details: {
            pending,
            active,
            threshold: config.safety.maxDeactivationShare,
            syncRunId: input.syncRunId,
          },
        });
      }
      if (Object.keys(settled.held).length) {
        await recordIssues(db, target, issues);
        await db
          .updateTable('sync_runs')
          .set({
            held_deactivations: JSON.stringify(settled.held),
            // The run's approval wait starts once this returns: the dashboard shows this deadline.
            held_until: sql<Date>`now() + ${config.safety.approvalWait}::interval`,
          })
          .where('id', '=', input.syncRunId)
          .execute();
        countHeldDeactivations(input.schoolId, settled.held);
        await alertIfChanged(db, fleet, input.schoolId);
      }
      return settled;
    },

    /** After an operator's approval: the held deactivations of this run are applied as they are. */
    async applyHeldDeactivations(input: { schoolId: string; syncRunId: string; recordTypes: RecordType[] }) {
      const applied: DeactivationCounts = {};
      for (const recordType of guardedTypes) {
        if (!input.recordTypes.includes(recordType)) continue;
        applied[recordType] = await applyPending(
          input.schoolId,
          input.syncRunId,
          recordType,
          'deactivations:approved',
        );
      }
      await db
        .updateTable('sync_runs')
        .set({ held_deactivations: null, held_until: null })
        .where('id', '=', input.syncRunId)
        .execute();
      await db
        .updateTable('sync_issues')
        .set({ resolved_at: sql`now()` })
        .where('school_id', '=', input.schoolId)
        .where('rule', '=', 'mass-deactivation-held')
        .where('resolved_at', 'is', null)
        .execute();
      return applied;
    },
  };
}
