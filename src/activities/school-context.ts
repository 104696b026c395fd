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
import { contentHash } from '../mapping/content-hash';
import type { Database } from '../db/database';
import type { RunTarget } from '../db/run-bookkeeping';

export interface SchoolContext {
  config: SchoolConfig;
  sis: CampusCloudClient;
  /** A dry run reads everything and writes only its report. */
  dryRun: boolean;
  /** Where the run's issues and counts go. */
  target: RunTarget;
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

/**
 * The context of one run: the school's stored configuration, or for a dry run the configuration it
 * was started with (the school need not be enabled yet). One client per configuration version.
 */
export class SchoolContexts {
  private readonly clients = new Map<string, CampusCloudClient>();

  constructor(private readonly db: Kysely<Database>) {}

  async forRun(syncRunId: string): Promise<SchoolContext> {
    const run = await this.db
      .selectFrom('sync_runs')
      .leftJoin('schools', 'schools.id', 'sync_runs.school_id')
      .select([
        'sync_runs.school_id',
        'sync_runs.kind',
        'sync_runs.config as runConfig',
        'schools.config as schoolConfig',
      ])
      .where('sync_runs.id', '=', syncRunId)
      .executeTakeFirst();
    if (!run) throw new ConfigError(`Sync run ${syncRunId} does not exist.`);
    const raw = run.kind === 'dry-run' ? run.runConfig : run.schoolConfig;
    if (!raw) {
      throw new ConfigError(
        `School ${run.school_id} is not enabled. Run \`npm run cli -- enable --config <file>\`.`,
      );
    }
    const config = parseSchoolConfig(raw, `configuration of school ${run.school_id}`);
    const dryRun = run.kind === 'dry-run';
    return {
      config,
      sis: this.client(config),
      dryRun,
      target: { schoolId: run.school_id, syncRunId, dryRun },
    };
  }

  private client(config: SchoolConfig): CampusCloudClient {
    const version = contentHash([config]);
    let client = this.clients.get(version);
    if (!client) {
      client = new CampusCloudClient({
        baseUrl: config.sis.baseUrl,
        ...resolveCredentials(config),
        timeoutMs: config.sis.requestTimeoutMs,
        limit: pLimit(config.sis.maxConcurrentRequests),
      });
      this.clients.set(version, client);
    }
    return client;
  }
}
