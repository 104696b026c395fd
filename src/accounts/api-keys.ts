/**
 * Per-school CourseKey API keys. A key is 32 random bytes, shown once when created; only its
 * sha256 is stored, so a database dump cannot be used to call the API. A fast hash is right here,
 * unlike for passwords: a 256-bit random key cannot be guessed from its hash however fast the hash
 * is, so a slow KDF (scrypt) would only add its cost to every API request.
 */
import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';

const KEY_PREFIX = 'ck_';

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export async function createApiKey(
  db: Kysely<Database>,
  schoolId: string,
  label = '',
): Promise<{ id: string; key: string }> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row = await db
    .insertInto('api_keys')
    .values({ school_id: schoolId, label, key_hash: hashApiKey(key) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, key };
}

/** True when a key was active and is now revoked. */
export async function revokeApiKey(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The school of an active key, or undefined for an unknown or revoked one; notes the key's use. */
export async function schoolOfApiKey(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select([
      'id',
      'school_id',
      sql<boolean>`last_used_at IS NULL OR last_used_at < now() - interval '1 minute'`.as('stale'),
    ])
    .where('key_hash', '=', hashApiKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  // To the minute: one write per key and minute, not one per request.
  if (row?.stale)
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', row.id)
      .execute();
  return row?.school_id;
}

export interface ApiKeyListing {
  id: string;
  schoolId: string;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The keys (of one school, or all), newest first: never the key nor its hash. */
export async function listApiKeys(db: Kysely<Database>, schoolId?: string): Promise<ApiKeyListing[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'school_id', 'label', 'created_at', 'last_used_at', 'revoked_at'])
    .$if(schoolId !== undefined, (query) => query.where('school_id', '=', schoolId!))
    .orderBy('id', 'desc')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    schoolId: row.school_id,
    label: row.label,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }));
}
