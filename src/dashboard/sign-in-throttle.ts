/**
 * Slows down password guessing: after too many failed sign-ins for one email (or from one
 * address) within a window, sign-in is refused until the oldest of those failures leaves the
 * window. Kept in PostgreSQL so every server process sees the same count.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';

export const THROTTLE = { windowMinutes: 15, perEmail: 5, perAddress: 30 };

/** Seconds until another attempt is allowed, or 0 when it is allowed now. */
export async function signInWaitSeconds(
  db: Kysely<Database>,
  email: string,
  clientIp: string,
): Promise<number> {
  const since = sql<Date>`now() - make_interval(mins => ${THROTTLE.windowMinutes})`;
  const waits = await Promise.all(
    (
      [
        ['email', email, THROTTLE.perEmail],
        ['client_ip', clientIp, THROTTLE.perAddress],
      ] as const
    ).map(async ([column, value, limit]) => {
      // The limit-th most recent failure: while it is inside the window, the limit is reached.
      const row = await db
        .selectFrom('sign_in_failures')
        .select(
          sql<number>`ceil(extract(epoch FROM failed_at + make_interval(mins => ${THROTTLE.windowMinutes}) - now()))`.as(
            'wait',
          ),
        )
        .where(column, '=', value)
        .where('failed_at', '>', since)
        .orderBy('failed_at', 'desc')
        .offset(limit - 1)
        .limit(1)
        .executeTakeFirst();
      return row ? Math.max(1, Number(row.wait)) : 0;
    }),
  );
  return Math.max(...waits);
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

export async function clearSignInFailures(db: Kysely<Database>, email: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('email', '=', email).execute();
}
