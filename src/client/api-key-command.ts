/**
 * `npm run cli -- api-key create --school <id> [--label <text>]` prints a new key once;
 * `npm run cli -- api-key revoke --id <id>` revokes one; `api-key list [--school <id>]` lists them
 * (never a key nor its hash). Only the key's sha256 is stored.
 */
import { Command } from 'commander';
import { createApiKey, listApiKeys, revokeApiKey } from '../accounts/api-keys';
import { formatTable, listTime } from './table';
import { withDb } from './with-db';

export function apiKeyCommand(): Command {
  const apiKey = new Command('api-key').description("CourseKey API keys for a school's own systems");
  apiKey
    .command('create')
    .description('create an API key for a school and print it (it is shown this once)')
    .requiredOption('-s, --school <id>', 'School ID')
    .option('-l, --label <text>', 'what the key is for, e.g. "student app"', '')
    .action(async (options: { school: string; label: string }) => {
      await withDb(async (db) => {
        const school = await db
          .selectFrom('schools')
          .select('id')
          .where('id', '=', options.school)
          .executeTakeFirst();
        if (!school)
          throw new Error(
            `School ${options.school} is not enabled. Run \`npm run cli -- enable --config <file>\`.`,
          );
        const { id, key } = await createApiKey(db, options.school, options.label);
        console.log(`API key ${id} for ${options.school} (store it now, it is not shown again):\n${key}`);
      });
    });
  apiKey
    .command('revoke')
    .description('revoke an API key: requests with it get 401 from now on')
    .requiredOption('--id <id>', 'the id printed when the key was created')
    .action(async (options: { id: string }) => {
      if (!/^\d+$/.test(options.id)) throw new Error('--id: the numeric id printed by `api-key create`.');
      await withDb(async (db) => {
        const revoked = await revokeApiKey(db, options.id);
        console.log(revoked ? `Revoked API key ${options.id}.` : `No active API key ${options.id}.`);
      });
    });
  apiKey
    .command('list')
    .description('list API keys: id, school, label, created, last used, revoked (never the key)')
    .option('-s, --school <id>', 'only this school')
    .option('--json', 'print as JSON')
    .action(async (options: { school?: string; json?: boolean }) => {
      await withDb(async (db) => {
        const keys = await listApiKeys(db, options.school);
        if (options.json) return console.log(JSON.stringify(keys, null, 2));
        if (!keys.length) return console.log('No API keys.');
        console.log(
          formatTable(
            ['id', 'school', 'label', 'created', 'last used', 'state'],
            keys.map((key) => [
              key.id,
              key.schoolId,
              key.label || '-',
              listTime(key.createdAt),
              listTime(key.lastUsedAt),
              key.revokedAt ? `revoked ${listTime(key.revokedAt)}` : 'active',
            ]),
          ),
        );
      });
    });
  return apiKey;
}
