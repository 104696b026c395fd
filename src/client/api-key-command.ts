/**
 * `npm run cli -- api-key create --school <id> [--label <text>]` prints a new key once;
 * `npm run cli -- api-key revoke --id <id>` revokes one. Only the key's sha256 is stored.
 */
import { Command } from 'commander';
import { createDb } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { createApiKey, revokeApiKey } from '../accounts/api-keys';

async function withDb<T>(body: (db: ReturnType<typeof createDb>) => Promise<T>): Promise<T> {
  const db = createDb();
  try {
    await migrateToLatest(db);
    return await body(db);
  } finally {
    await db.destroy();
  }
}

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
  return apiKey;
}
