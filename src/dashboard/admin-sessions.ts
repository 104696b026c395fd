/**
 * Sign-in sessions. The cookie holds a random token; the database holds its SHA-256 and the
 * session's CSRF token, which every form posts back.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { adminById, type Admin } from '../accounts/admin-accounts';

/** A session lasts a working day; signing in again starts a new one. */
export const SESSION_HOURS = 12;

const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
export const randomToken = () => randomBytes(32).toString('base64url');

export async function openSession(
  db: Kysely<Database>,
  adminId: string,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken();
  const expiresAt = new Date(Date.now() + SESSION_HOURS * 3_600_000);
  await db
    .insertInto('admin_sessions')
    .values({
      token_hash: sha256(token),
      admin_id: adminId,
      csrf_token: randomToken(),
      expires_at: expiresAt,
    })
    .execute();
  // Housekeeping: expired sessions of this admin are of no use to anyone.
  await db
    .deleteFrom('admin_sessions')
    .where('admin_id', '=', adminId)
    .where('expires_at', '<', new Date())
    .execute();
  return { token, expiresAt };
}

export async function sessionAdmin(
  db: Kysely<Database>,
  token: string,
): Promise<{ admin: Admin; csrfToken: string } | undefined> {
  const row = await db
    .selectFrom('admin_sessions')
    .select(['admin_id', 'csrf_token'])
    .where('token_hash', '=', sha256(token))
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  if (!row) return undefined;
  const admin = await adminById(db, row.admin_id);
  return admin && { admin, csrfToken: row.csrf_token };
}

export async function closeSession(db: Kysely<Database>, token: string): Promise<void> {
  await db.deleteFrom('admin_sessions').where('token_hash', '=', sha256(token)).execute();
}
