import { sql, type Kysely } from 'kysely';

/** A run cancelled by an operator (or a workflow reset) is recorded as such, not left 'running'. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_status_check;
    ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check
      CHECK (status IN ('running', 'completed', 'failed', 'cancelled'));
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM sync_runs WHERE status = 'cancelled') THEN
        RAISE EXCEPTION 'sync_runs holds cancelled runs: the earlier schema cannot record them';
      END IF;
    END $$;
    ALTER TABLE sync_runs DROP CONSTRAINT sync_runs_status_check;
    ALTER TABLE sync_runs ADD CONSTRAINT sync_runs_status_check
      CHECK (status IN ('running', 'completed', 'failed'));
  `.execute(db);
}
