/**
 * The demo school's admin for `npm start`: created on first start, given a fresh password on
 * every start (printed once by the caller), so no password is written in code or config.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { createAdmin, findAdminByEmail, setAdminPassword } from '../accounts/admin-accounts';
import { generatePassword } from '../accounts/password';

export function demoAdminEmail(schoolId: string): string {
  return `admin@${schoolId}.example`;
}

export async function ensureDemoAdmin(
  db: Kysely<Database>,
  schoolId: string,
): Promise<{ email: string; password: string }> {
  const email = demoAdminEmail(schoolId);
  const password = generatePassword();
  const existing = await findAdminByEmail(db, email);
  if (existing) await setAdminPassword(db, existing.id, password);
  else await createAdmin(db, { email, password, schoolIds: [schoolId], isStaff: false });
  return { email, password };
}
