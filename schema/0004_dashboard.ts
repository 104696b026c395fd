import { sql, type Kysely } from 'kysely';

/**
 * The Integrations Insight Dashboard's accounts: admins (scoped to schools, or integration staff
 * who see every school), their sign-in sessions, and the failed sign-ins that throttle guessing.
 * Sessions and failures are stored as hashes and keys only: no raw token or password is kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE admin_accounts (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      -- Stored lower-cased: sign-in matches regardless of how the address was typed.
      email text NOT NULL UNIQUE CHECK (email = lower(email)),
      password_hash text NOT NULL,
      is_staff boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );

    CREATE TABLE admin_account_schools (
      admin_id bigint NOT NULL REFERENCES admin_accounts (id) ON DELETE CASCADE,
      school_id text NOT NULL REFERENCES schools (id),
      PRIMARY KEY (admin_id, school_id)
    );

    -- The cookie carries a random token; only its SHA-256 is stored, so a database leak opens no session.
    CREATE TABLE admin_sessions (
      token_hash text PRIMARY KEY,
      admin_id bigint NOT NULL REFERENCES admin_accounts (id) ON DELETE CASCADE,
      csrf_token text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX admin_sessions_by_admin ON admin_sessions (admin_id);

    CREATE TABLE sign_in_failures (
      id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      email text NOT NULL,
      client_ip text NOT NULL,
      failed_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX sign_in_failures_by_email ON sign_in_failures (email, failed_at);
    CREATE INDEX sign_in_failures_by_ip ON sign_in_failures (client_ip, failed_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE sign_in_failures, admin_sessions, admin_account_schools, admin_accounts;`.execute(db);
}
