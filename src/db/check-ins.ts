import type { Insertable, Kysely } from 'kysely';
import type { CheckInsTable, Database } from './database';

const ROWS_PER_INSERT = 5_000;

/** Stores check-ins in bulk (demo data, tests, benchmark); an existing check-in is kept as it is. */
export async function insertCheckIns(
  db: Kysely<Database>,
  schoolId: string,
  rows: Omit<Insertable<CheckInsTable>, 'school_id'>[],
): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const result = await db
      .insertInto('check_ins')
      .values(rows.slice(start, start + ROWS_PER_INSERT).map((row) => ({ ...row, school_id: schoolId })))
      .onConflict((conflict) => conflict.doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}
