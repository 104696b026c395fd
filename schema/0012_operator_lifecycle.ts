import { sql, type Kysely } from 'kysely';

/**
 * Operator lifecycle: a school can be disabled (its schedule paused, its data kept, no run syncs
 * it) and enabled again; an API key records when it was last used (to the minute), so operators
 * can tell the keys still in use from the ones to revoke. Sign-in failures are counted per
 * (account, client address).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE schools ADD COLUMN disabled_at timestamptz;
    ALTER TABLE api_keys ADD COLUMN last_used_at timestamptz;
    CREATE INDEX sign_in_failures_by_email_and_ip ON sign_in_failures (email, client_ip, failed_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP INDEX sign_in_failures_by_email_and_ip;
    ALTER TABLE api_keys DROP COLUMN last_used_at;
    ALTER TABLE schools DROP COLUMN disabled_at;
  `.execute(db);
}
