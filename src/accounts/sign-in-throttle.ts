/**
 * Slows down password guessing, kept in PostgreSQL so every web process sees the same counts.
 * Failures within a 15-minute window are counted three ways; reaching any limit refuses sign-in
 * until the oldest counted failure leaves the window:
 * - per (account, client address), 5: one address guessing one account locks only that pair, so an
 *   admin mistyped (or attacked) from one place still signs in from another;
 * - per account from any address, 50: a ceiling against guessing spread over many addresses (it
 *   can lock the account everywhere, but only after ten addresses each failed five times);
 * - per client address over all accounts, 30: one address trying many accounts.
 * The client address is Fastify's `request.ip`, which follows X-Forwarded-For only when the server
 * is configured to trust its proxy. `admin unlock` (clearSignInFailures) lifts them.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';

export const THROTTLE = { windowMinutes: 15, perAccountAndAddress: 5, perAccount: 50, perAddress: 30 };

const inWindow = sql<Date>`now() - make_interval(mins => ${THROTTLE.windowMinutes})`;

/** Seconds until another attempt is allowed, or 0 when it is allowed now. */
export async function signInWaitSeconds(
  db: Kysely<Database>,
  email: string,
  clientIp: string,
): Promise<number> {
  const scopes = [
    { email, clientIp, limit: THROTTLE.perAccountAndAddress },
    { email, limit: THROTTLE.perAccount },
    { clientIp, limit: THROTTLE.perAddress },
  ];
  const waits = await Promise.all(
    scopes.map(async (scope) => {
      // The limit-th most recent failure: while it is inside the window, the limit is reached.
      let query = db
        .selectFrom('sign_in_failures')
        .select(
          sql<number>`ceil(extract(epoch FROM failed_at + make_interval(mins => ${THROTTLE.windowMinutes}) - now()))`.as(
            'wait',
          ),
        )
        .where('failed_at', '>', inWindow);
      if (scope.email !== undefined) query = query.where('email', '=', scope.email);
      if (scope.clientIp !== undefined) query = query.where('client_ip', '=', scope.clientIp);
      const row = await query
        .orderBy('failed_at', 'desc')
        .offset(scope.limit - 1)
        .limit(1)
        .executeTakeFirst();
      return row ? Math.max(1, Number(row.wait)) : 0;
    }),
  );
  return Math.max(...waits);
}

/** How an account is locked now: from how many addresses, and whether everywhere (the ceiling). */
export async function signInLocks(
  db: Kysely<Database>,
  email: string,
): Promise<{ lockedAddresses: number; lockedEverywhere: boolean }> {
  const perAddress = await db
    .selectFrom('sign_in_failures')
    .select(['client_ip', sql<string>`count(*)`.as('failures')])
    .where('email', '=', email)
    .where('failed_at', '>', inWindow)
    .groupBy('client_ip')
    .execute();
  const total = perAddress.reduce((sum, row) => sum + Number(row.failures), 0);
  return {
    lockedAddresses: perAddress.filter((row) => Number(row.failures) >= THROTTLE.perAccountAndAddress).length,
    lockedEverywhere: total >= THROTTLE.perAccount,
  };
}

export async function recordSignInFailure(
  db: Kysely<Database>,
  email: string,
  clientIp: string,
): Promise<void> {
  await db.insertInto('sign_in_failures').values({ email, client_ip: clientIp }).execute();
  await db
    .deleteFrom('sign_in_failures')
    .where('failed_at', '<', sql<Date>`now() - interval '1 day'`)
    .execute();
}

/** After a successful sign-in from `clientIp` that pair starts afresh; without it, every lock of the account goes. */
export async function clearSignInFailures(
  db: Kysely<Database>,
  email: string,
  clientIp?: string,
): Promise<number> {
  let query = db.deleteFrom('sign_in_failures').where('email', '=', email);
  if (clientIp !== undefined) query = query.where('client_ip', '=', clientIp);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
