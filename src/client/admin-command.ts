/**
 * `npm run cli -- admin create --email <e> (--school <id>... | --staff) [--password-file <f>]`:
 * a dashboard admin. Without a password file a password is generated and printed once; it is
 * stored only as a scrypt hash.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { createAdmin } from '../accounts/admin-accounts';
import { generatePassword } from '../accounts/password';

const collect = (value: string, previous: string[]) => [...previous, value];

export function adminCommand(): Command {
  const admin = new Command('admin').description('Integrations Insight Dashboard admins');
  admin
    .command('create')
    .description('create a dashboard admin for one or more schools, or integration staff (all schools)')
    .requiredOption('-e, --email <email>', 'sign-in email')
    .option('-s, --school <id>', 'a school the admin may see (repeat for more)', collect, [])
    .option('--staff', 'integration staff: may see every school')
    .option(
      '--password-file <file>',
      'read the password from this file (first line) instead of generating one',
    )
    .action(async (options: { email: string; school: string[]; staff?: boolean; passwordFile?: string }) => {
      if (options.staff && options.school.length)
        throw new Error('Use either --school or --staff: staff already see every school.');
      const password = options.passwordFile
        ? (readFileSync(options.passwordFile, 'utf8').split(/\r?\n/, 1)[0] ?? '')
        : generatePassword();
      const db = createDb();
      try {
        await migrateToLatest(db);
        const created = await createAdmin(db, {
          email: options.email,
          password,
          schoolIds: options.school,
          isStaff: Boolean(options.staff),
        });
        console.log(
          `Created ${created.email}: ${created.isStaff ? 'integration staff (all schools)' : `schools ${created.schoolIds.join(', ')}`}.`,
        );
        if (!options.passwordFile) console.log(`Password (shown once, store it now): ${password}`);
      } finally {
        await db.destroy();
      }
    });
  return admin;
}
