/**
 * `npm run cli -- admin create --email <e> (--school <id>... | --staff) [--password-file <f>]`:
 * a dashboard admin. Without a password file a password is generated and printed once; it is
 * stored only as a scrypt hash. `admin list`, `admin reset-password`, `admin unlock` and
 * `admin remove` look after the accounts; an admin is named by email or by the id `list` shows.
 */
import { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { text } from 'node:stream/consumers';
import {
  adminByIdOrEmail,
  createAdmin,
  listAdmins,
  removeAdmin,
  setAdminPassword,
  type AdminListing,
} from '../accounts/admin-accounts';
import { generatePassword } from '../accounts/password';
import { clearSignInFailures } from '../accounts/sign-in-throttle';
import { formatTable, listTime } from './table';
import { withDb } from './with-db';

function lockState(admin: AdminListing): string {
  if (admin.lockedEverywhere) return 'locked (all addresses)';
  if (admin.lockedAddresses)
    return `locked from ${admin.lockedAddresses} address${admin.lockedAddresses === 1 ? '' : 'es'}`;
  return '-';
}

const firstLine = (content: string) => content.split(/\r?\n/, 1)[0] ?? '';

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
        ? firstLine(readFileSync(options.passwordFile, 'utf8'))
        : generatePassword();
      await withDb(async (db) => {
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
      });
    });
  admin
    .command('list')
    .description('list dashboard admins: id, email, schools, created, sign-in locks (never a password hash)')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      await withDb(async (db) => {
        const admins = await listAdmins(db);
        if (options.json) return console.log(JSON.stringify(admins, null, 2));
        if (!admins.length) return console.log('No admins. Add one with `npm run cli -- admin create`.');
        console.log(
          formatTable(
            ['id', 'email', 'schools', 'created', 'sign-in'],
            admins.map((a) => [
              a.id,
              a.email,
              a.isStaff ? 'staff (all schools)' : a.schoolIds.join(', '),
              listTime(a.createdAt),
              lockState(a),
            ]),
          ),
        );
      });
    });
  admin
    .command('reset-password')
    .description(
      'give an admin a new password (generated and shown once, or read from stdin); ends their sessions and sign-in locks',
    )
    .argument('<admin>', 'email or id')
    .option(
      '--password-stdin',
      'read the new password from the first line of stdin instead of generating one',
    )
    .action(async (idOrEmail: string, options: { passwordStdin?: boolean }) => {
      const password = options.passwordStdin ? firstLine(await text(process.stdin)) : generatePassword();
      await withDb(async (db) => {
        const account = await adminByIdOrEmail(db, idOrEmail);
        await setAdminPassword(db, account.id, password);
        await clearSignInFailures(db, account.email);
        console.log(`New password set for ${account.email}; their sessions are signed out.`);
        if (!options.passwordStdin) console.log(`Password (shown once, store it now): ${password}`);
      });
    });
  admin
    .command('unlock')
    .description("lift an admin's sign-in locks (after too many wrong passwords), from every address")
    .argument('<admin>', 'email or id')
    .action(async (idOrEmail: string) => {
      await withDb(async (db) => {
        const account = await adminByIdOrEmail(db, idOrEmail);
        const cleared = await clearSignInFailures(db, account.email);
        console.log(
          `Unlocked ${account.email} (${cleared} failed sign-in${cleared === 1 ? '' : 's'} cleared).`,
        );
      });
    });
  admin
    .command('remove')
    .description('remove a dashboard admin: their account and sessions end at once')
    .argument('<admin>', 'email or id')
    .action(async (idOrEmail: string) => {
      await withDb(async (db) => {
        const account = await adminByIdOrEmail(db, idOrEmail);
        await removeAdmin(db, account);
        console.log(`Removed admin ${account.email}.`);
      });
    });
  return admin;
}
