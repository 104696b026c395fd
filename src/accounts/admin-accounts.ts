/** Dashboard admin accounts: who they are and which schools they may see. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database';
import { hashPassword, needsRehash, verifyPassword } from './password';
import { clearSignInFailures, signInLocks } from './sign-in-throttle';

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

function checkPasswordLength(password: string): void {
  if (password.length < 12) throw new Error('The password must have at least 12 characters.');
}

export async function createAdmin(
  db: Kysely<Database>,
  input: { email: string; password: string; schoolIds: string[]; isStaff: boolean },
): Promise<Admin> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`"${input.email}" is not an email address.`);
  if (!input.isStaff && input.schoolIds.length === 0)
    throw new Error('A school admin needs at least one school (--school <id>), or use --staff.');
  checkPasswordLength(input.password);
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
  checkPasswordLength(password);
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

/** Checks a signing-in admin's password; a hash made at a lower cost than today's is replaced. */
export async function checkAdminPassword(
  db: Kysely<Database>,
  admin: { id: string; passwordHash: string },
  password: string,
): Promise<boolean> {
  if (!(await verifyPassword(password, admin.passwordHash))) return false;
  if (needsRehash(admin.passwordHash))
    // Only the hash changes, not the password: the admin's other sessions stay open.
    await db
      .updateTable('admin_accounts')
      .set({ password_hash: await hashPassword(password) })
      .where('id', '=', admin.id)
      .where('password_hash', '=', admin.passwordHash)
      .execute();
  return true;
}

/** An admin by numeric id or by email, as operators name them; an error saying so when there is none. */
export async function adminByIdOrEmail(db: Kysely<Database>, idOrEmail: string): Promise<Admin> {
  const byId = /^\d+$/.test(idOrEmail);
  const row = await db
    .selectFrom('admin_accounts')
    .select('id')
    .$if(byId, (query) => query.where('id', '=', idOrEmail))
    .$if(!byId, (query) => query.where('email', '=', normalizeEmail(idOrEmail)))
    .executeTakeFirst();
  const admin = row && (await adminById(db, row.id));
  if (!admin)
    throw new Error(`No admin ${idOrEmail}. \`npm run cli -- admin list\` shows the admins, with their ids.`);
  return admin;
}

export interface AdminListing extends Admin {
  createdAt: Date;
  /** Sign-in locks now: addresses that may not try again yet, and the account-wide ceiling. */
  lockedAddresses: number;
  lockedEverywhere: boolean;
}

/** Every admin with their schools and sign-in locks; never a password hash. */
export async function listAdmins(db: Kysely<Database>): Promise<AdminListing[]> {
  const rows = await db
    .selectFrom('admin_accounts')
    .select(['id', 'email', 'is_staff', 'created_at'])
    .orderBy('email')
    .execute();
  const schools = await db.selectFrom('admin_account_schools').selectAll().orderBy('school_id').execute();
  return Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      email: row.email,
      isStaff: row.is_staff,
      schoolIds: schools.filter((s) => s.admin_id === row.id).map((s) => s.school_id),
      createdAt: row.created_at,
      ...(await signInLocks(db, row.email)),
    })),
  );
}

/** Removes an admin: their sessions and school links go with the row, their sign-in failures too. */
export async function removeAdmin(db: Kysely<Database>, admin: Admin): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('admin_accounts').where('id', '=', admin.id).execute();
    await clearSignInFailures(trx, admin.email);
  });
}
