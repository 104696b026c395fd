/** Dashboard admin accounts: who they are and which schools they may see. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { hashPassword } from './password';

export interface Admin {
  id: string;
  email: string;
  isStaff: boolean;
  /** The schools a school admin may see; integration staff see every school. */
  schoolIds: string[];
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createAdmin(
  db: Kysely<Database>,
  input: { email: string; password: string; schoolIds: string[]; isStaff: boolean },
): Promise<Admin> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`"${input.email}" is not an email address.`);
  if (!input.isStaff && input.schoolIds.length === 0)
    throw new Error('A school admin needs at least one school (--school <id>), or use --staff.');
  if (input.password.length < 12) throw new Error('The password must have at least 12 characters.');
  const passwordHash = await hashPassword(input.password);
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('admin_accounts')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    if (existing) throw new Error(`An admin with email ${email} already exists.`);
    const schools = input.schoolIds.length
      ? await trx.selectFrom('schools').select('id').where('id', 'in', input.schoolIds).execute()
      : [];
    const unknown = input.schoolIds.filter((id) => !schools.some((school) => school.id === id));
    if (unknown.length) throw new Error(`Unknown school(s): ${unknown.join(', ')}. Enable them first.`);
    const { id } = await trx
      .insertInto('admin_accounts')
      .values({ email, password_hash: passwordHash, is_staff: input.isStaff })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (input.schoolIds.length)
      await trx
        .insertInto('admin_account_schools')
        .values(input.schoolIds.map((schoolId) => ({ admin_id: id, school_id: schoolId })))
        .execute();
    return { id, email, isStaff: input.isStaff, schoolIds: input.schoolIds };
  });
}

export async function setAdminPassword(
  db: Kysely<Database>,
  adminId: string,
  password: string,
): Promise<void> {
  await db
    .updateTable('admin_accounts')
    .set({ password_hash: await hashPassword(password), updated_at: new Date() })
    .where('id', '=', adminId)
    .execute();
  // A new password ends every session opened with the old one.
  await db.deleteFrom('admin_sessions').where('admin_id', '=', adminId).execute();
}

export async function findAdminByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<(Admin & { passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('admin_accounts')
    .select(['id', 'email', 'is_staff', 'password_hash'])
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
  if (!row) return undefined;
  return { ...(await adminById(db, row.id))!, passwordHash: row.password_hash };
}

export async function adminById(db: Kysely<Database>, adminId: string): Promise<Admin | undefined> {
  const row = await db
    .selectFrom('admin_accounts')
    .select(['id', 'email', 'is_staff'])
    .where('id', '=', adminId)
    .executeTakeFirst();
  if (!row) return undefined;
  const schools = await db
    .selectFrom('admin_account_schools')
    .select('school_id')
    .where('admin_id', '=', adminId)
    .orderBy('school_id')
    .execute();
  return { id: row.id, email: row.email, isStaff: row.is_staff, schoolIds: schools.map((s) => s.school_id) };
}

export function canSeeSchool(admin: Admin, schoolId: string): boolean {
  return admin.isStaff || admin.schoolIds.includes(schoolId);
}
