/**
 * What every activity needs for one school: its validated configuration (stored at enablement)
 * and a Campus Cloud client with the school's request budget. Credentials are resolved here, in
 * the worker, from the references in the configuration: they never travel through Temporal.
 */
import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import pLimit from 'p-limit';
import { z } from 'zod';
import { CampusCloudClient } from '../campus-cloud/client';
import { ConfigError, parseSchoolConfig } from '../config/load-school-config';
import type { SchoolConfig } from '../config/school-config';
import { contentHash } from '../db/content-hash';
import type { Database } from '../db/database';

export interface SchoolContext {
  config: SchoolConfig;
  sis: CampusCloudClient;
}

const secretsFile = z.object({ username: z.string().min(1), password: z.string().min(1) });

function resolveCredentials(config: SchoolConfig): { username: string; password: string } {
  const ref = config.sis.credentials;
  if ('secretsFile' in ref) {
    const parsed = secretsFile.safeParse(JSON.parse(readFileSync(ref.secretsFile, 'utf8')));
    if (!parsed.success) {
      throw new ConfigError(
        `${ref.secretsFile}: expected {"username": "...", "password": "..."} for school ${config.schoolId}.`,
      );
    }
    return parsed.data;
  }
  const username = process.env[ref.usernameEnv];
  const password = process.env[ref.passwordEnv];
  if (!username || !password) {
    throw new ConfigError(
      `School ${config.schoolId}: set the environment variables ${ref.usernameEnv} and ${ref.passwordEnv} for the worker (the SIS service account).`,
    );
  }
  return { username, password };
}

/** One client per school and configuration version, shared by the worker's activities. */
export class SchoolContexts {
  private readonly cache = new Map<string, { version: string; context: SchoolContext }>();

  constructor(private readonly db: Kysely<Database>) {}

  async get(schoolId: string): Promise<SchoolContext> {
    const school = await this.db
      .selectFrom('schools')
      .select(['config'])
      .where('id', '=', schoolId)
      .executeTakeFirst();
    if (!school)
      throw new ConfigError(
        `School ${schoolId} is not enabled. Run \`npm run cli -- enable --config <file>\`.`,
      );
    const version = contentHash([school.config]);
    const cached = this.cache.get(schoolId);
    if (cached?.version === version) return cached.context;
    const config = parseSchoolConfig(school.config, `stored configuration of school ${schoolId}`);
    const credentials = resolveCredentials(config);
    const sis = new CampusCloudClient({
      baseUrl: config.sis.baseUrl,
      ...credentials,
      timeoutMs: config.sis.requestTimeoutMs,
      limit: pLimit(config.sis.maxConcurrentRequests),
    });
    const context = { config, sis };
    this.cache.set(schoolId, { version, context });
    return context;
  }
}
