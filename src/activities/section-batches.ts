import { sql, type Kysely, type Transaction } from 'kysely';
import type { CoursesTable, Database } from '../db/database';
import { inResumableParts } from './resumable-parts';
import type { SchoolContext, SchoolContexts } from './school-context';
import { withSisFailures } from './sis-failure';

/** The fields of a synced section that later steps of the run read back (see `courseRow`). */
export type SyncedSection = Pick<
  CoursesTable,
  | 'sis_key'
  | 'section_code'
  | 'modality'
  | 'delivery_method_name'
  | 'start_date'
  | 'end_date'
  | 'minutes_per_day'
  | 'sync_minutes'
  | 'async_minutes'
  | 'lms_code'
  | 'instructor_sis_ids'
>;

/** A numbered batch of the run's sections: meetings and enrollments are fetched batch by batch. */
export interface SectionBatchInput {
  schoolId: string;
  syncRunId: string;
  batch: number;
  batchSize: number;
}

/** Sections of a batch written per transaction; a retried batch goes on after the parts done. */
const SECTIONS_PER_PART = 50;

/** The key a part's counts are kept under, once per run. */
export const partKey = (input: SectionBatchInput, part: number) => `batch:${input.batch}:part:${part}`;

const activeSectionsOfRun = (db: Kysely<Database>, syncRunId: string) =>
  db
    .selectFrom('sync_seen')
    .where('sync_run_id', '=', syncRunId)
    .where('record_type', '=', 'courses')
    .where(sql<boolean>`(payload ->> 'active')::boolean`);

/**
 * The active sections a run synced, in a stable order, so meetings and enrollments can be fetched
 * in numbered batches that run in parallel and retry independently. Read from the run itself, so a
 * dry run (which stores no courses) works the same way.
 */
export async function sectionBatch(
  db: Kysely<Database>,
  input: { syncRunId: string; batch: number; batchSize: number },
): Promise<SyncedSection[]> {
  const rows = await activeSectionsOfRun(db, input.syncRunId)
    .select('payload')
    .orderBy('sis_key')
    .offset(input.batch * input.batchSize)
    .limit(input.batchSize)
    .execute();
  return rows.map((row) => row.payload as unknown as SyncedSection);
}

export async function countSyncedSections(
  db: Kysely<Database>,
  input: { syncRunId: string },
): Promise<number> {
  const row = await activeSectionsOfRun(db, input.syncRunId)
    .select(({ fn }) => fn.countAll<string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Runs `work` on a batch's sections part by part, resumably; returns how many sections it had. */
export function syncSectionBatch(
  db: Kysely<Database>,
  schools: SchoolContexts,
  recordType: 'class_sessions' | 'course_members',
  input: SectionBatchInput,
  work: (
    context: SchoolContext,
    sections: SyncedSection[],
    part: number,
    markDone: (trx: Transaction<Database>) => Promise<void>,
  ) => Promise<void>,
): Promise<number> {
  return withSisFailures(async () => {
    const context = await schools.forRun(input.syncRunId);
    const sections = await sectionBatch(db, input);
    await inResumableParts(
      db,
      { syncRunId: input.syncRunId, work: `${recordType} batch ${input.batch}` },
      sections,
      (section) => section.sis_key,
      SECTIONS_PER_PART,
      (part, index, markDone) => work(context, part, index, markDone),
    );
    return sections.length;
  });
}
