/** A CLI command's database: migrated before use, closed after. */
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';

export async function withDb<T>(body: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const db = createDb();
  try {
    await migrateToLatest(db);
    return await body(db);
  } finally {
    await db.destroy();
  }
}
