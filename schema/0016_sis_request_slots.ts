import { sql, type Kysely } from 'kysely';

/**
 * A school's SIS request budget across every worker process (src/db/sis-request-slots.ts): one row
 * per request slot, `maxConcurrentRequests` of them; a slot is held while `holder` is set and
 * `expires_at` is in the future, so a killed worker's slots come back once their lease runs out.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE sis_request_slots (
      school_id text NOT NULL,
      slot integer NOT NULL CHECK (slot >= 0),
      holder text,
      expires_at timestamptz,
      PRIMARY KEY (school_id, slot)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sis_request_slots`.execute(db);
}
