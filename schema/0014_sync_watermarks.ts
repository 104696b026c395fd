import { sql, type Kysely } from 'kysely';

/**
 * Incremental runs (issue 13): a run reads either everything (`full`, a reconciliation) or only what
 * the SIS marks modified since the school's watermark (`incremental`). The watermark is the SIS's
 * own clock when the last completed run started reading, minus a safety margin.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE sync_runs
      ADD COLUMN mode text CHECK (mode IN ('full', 'incremental')),
      -- What an incremental run read from: changes at or after it.
      ADD COLUMN modified_since timestamptz,
      -- The SIS's clock (HTTP Date) at the run's first answer of each listing: the earliest one.
      ADD COLUMN sis_clock_at timestamptz;
    CREATE TABLE sync_watermarks (
      school_id text PRIMARY KEY REFERENCES schools (id),
      modified_since timestamptz NOT NULL,
      last_full_at timestamptz NOT NULL,
      -- The configuration the last full run synced with: another one needs a full run.
      config_hash text NOT NULL,
      -- sync-now --full: the next run is a full one.
      full_requested_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    );
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DROP TABLE sync_watermarks;
    ALTER TABLE sync_runs DROP COLUMN mode, DROP COLUMN modified_since, DROP COLUMN sis_clock_at;
  `.execute(db);
}
