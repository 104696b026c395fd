import { sql, type Kysely } from 'kysely';

/**
 * Course-setup rules, mass-change safety and the enablement dry run:
 * - sync_seen carries the synced section's fields, so later batches (and dry runs, which write no
 *   courses) read sections from the run itself;
 * - deactivations wait in pending_deactivations until the run decides they are safe;
 * - a dry run keeps the configuration it ran with and writes its findings apart from sync_issues.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE sync_seen ADD COLUMN payload jsonb;
    ALTER TABLE sync_runs ADD COLUMN config jsonb;
    ALTER TABLE sync_runs ADD COLUMN held_deactivations jsonb;

    CREATE UNLOGGED TABLE pending_deactivations (
      sync_run_id bigint NOT NULL,
      record_type text NOT NULL,
      table_name text NOT NULL,
      sis_key text NOT NULL,
      -- The row to write; NULL for a record the SIS no longer lists (marked inactive in place).
      row jsonb,
      PRIMARY KEY (sync_run_id, table_name, sis_key)
    );

    CREATE TABLE dry_run_findings (
      sync_run_id bigint NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
      record_type text NOT NULL,
      sis_key text NOT NULL,
      rule text NOT NULL,
      severity text NOT NULL,
      message text NOT NULL,
      details jsonb NOT NULL DEFAULT '{}',
      PRIMARY KEY (sync_run_id, record_type, sis_key, rule)
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE dry_run_findings, pending_deactivations;
    ALTER TABLE sync_runs DROP COLUMN held_deactivations, DROP COLUMN config;
    ALTER TABLE sync_seen DROP COLUMN payload;
  `.execute(db);
}
