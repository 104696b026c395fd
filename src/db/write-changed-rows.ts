/**
 * The one way roster rows are written: compare content hashes with what is stored, then a bulk
 * `INSERT ... ON CONFLICT (school_id, sis_key) DO UPDATE` of only the new and changed rows. An
 * unchanged record costs a read and no write; a retried batch writes the same values again.
 */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { Database } from './database';
import type { RecordType } from '../coursekey/record-types';

export type RosterTable =
  'catalog_courses' | 'courses' | 'users' | 'instructors' | 'course_members' | 'class_sessions';

export interface WriteOutcome {
  created: number;
  updated: number;
  unchanged: number;
  deactivated: number;
  /** Deactivations set aside for the run's safety check instead of written. */
  deferred: number;
  /** New rows of records inactive in the SIS, not created (`skipNewInactive`). */
  skippedNewInactive: number;
}

export interface WriteOptions {
  /** Sessions are created once; changes to existing ones are drift, reported, not applied. */
  insertOnly?: boolean;
  /** A record that is inactive in the SIS and unknown here is not worth creating. */
  skipNewInactive?: boolean;
  /** Count what would be written, write nothing (the enablement dry run). */
  dryRun?: boolean;
  /** Park active -> inactive changes in pending_deactivations: the run decides at its end. */
  deferDeactivations?: { syncRunId: string; recordType: RecordType };
  /** Rows written but left out of the outcome: the caller counts them, or they were not fetched. */
  uncountedKeys?: ReadonlySet<string>;
}

type RowWithKey = { sis_key: string; content_hash: string; active?: boolean };

const MAX_PARAMETERS = 60_000;

export async function writeChangedRows<T extends RosterTable>(
  trx: Transaction<Database> | Kysely<Database>,
  table: T,
  schoolId: string,
  rows: (Insertable<Database[T]> & RowWithKey)[],
  options: WriteOptions = {},
): Promise<WriteOutcome> {
  const outcome: WriteOutcome = {
    created: 0,
    updated: 0,
    unchanged: 0,
    deactivated: 0,
    deferred: 0,
    skippedNewInactive: 0,
  };
  if (rows.length === 0) return outcome;
  // The table name varies, the shape does not: every roster table has these columns.
  const db = trx as unknown as Kysely<{ roster: RowWithKey & { school_id: string } }>;
  const target = table as unknown as 'roster';
  const hasActive = 'active' in rows[0]!;
  const existing = await db
    .selectFrom(target)
    .select(['sis_key', 'content_hash', hasActive ? 'active' : sql<undefined>`NULL`.as('active')])
    .where('school_id', '=', schoolId)
    .where('sis_key', '=', sql<string>`ANY(${rows.map((row) => row.sis_key)}::text[])`)
    .execute();
  const stored = new Map(existing.map((row) => [row.sis_key, row]));

  const toWrite: typeof rows = [];
  const toDefer: typeof rows = [];
  for (const row of rows) {
    const before = stored.get(row.sis_key);
    const count = (field: keyof WriteOutcome) => {
      if (!options.uncountedKeys?.has(row.sis_key)) outcome[field]++;
    };
    if (!before) {
      if (options.skipNewInactive && row.active === false) {
        count('skippedNewInactive');
        continue;
      }
      count('created');
    } else if (before.content_hash === row.content_hash || options.insertOnly) {
      count('unchanged');
      continue;
    } else if (before.active === true && row.active === false) {
      if (options.deferDeactivations) {
        count('deferred');
        toDefer.push(row);
        continue;
      }
      count('deactivated');
    } else {
      count('updated');
    }
    toWrite.push(row);
  }
  if (toDefer.length) await deferDeactivations(trx, table, options.deferDeactivations!, toDefer);
  if (toWrite.length === 0 || options.dryRun) return outcome;

  const columns = Object.keys(toWrite[0]!);
  const updatable = columns.filter((column) => column !== 'school_id' && column !== 'sis_key');
  const chunkSize = Math.max(1, Math.floor(MAX_PARAMETERS / columns.length));
  for (let start = 0; start < toWrite.length; start += chunkSize) {
    await db
      .insertInto(target)
      .values(toWrite.slice(start, start + chunkSize) as never)
      .onConflict((conflict) =>
        conflict
          .columns(['school_id', 'sis_key'])
          .doUpdateSet(
            Object.fromEntries([
              ...updatable.map((column) => [column, sql.ref(`excluded.${column}`)]),
              ['updated_at', sql`now()`],
            ]) as never,
          ),
      )
      .execute();
  }
  return outcome;
}

async function deferDeactivations(
  trx: Transaction<Database> | Kysely<Database>,
  table: RosterTable,
  target: { syncRunId: string; recordType: RecordType },
  rows: RowWithKey[],
): Promise<void> {
  await trx
    .insertInto('pending_deactivations')
    .values(
      rows.map((row) => ({
        sync_run_id: target.syncRunId,
        record_type: target.recordType,
        table_name: table,
        sis_key: row.sis_key,
        row: JSON.stringify(row),
      })),
    )
    .onConflict((conflict) => conflict.doNothing())
    .execute();
}
