/**
 * What every activity needs for one school: its validated configuration (stored at enablement)
 * and a Campus Cloud client with the school's request budget, held across every worker process
 * (src/db/sis-request-slots.ts). Credentials are resolved here, in
 * the worker, from the references in the configuration: they never travel through Temporal.
 */
import type { Kysely } from 'kysely';
import { CampusCloudClient } from '../campus-cloud/client';
import { resolveCredentials } from '../config/credentials';
import { ConfigError, parseSchoolConfig } from '../config/load-school-config';
import type { SchoolConfig } from '../config/school-config';
import type { Database } from '../db/database';
import { SisRequestSlots } from '../db/sis-request-slots';
import type { RunTarget } from '../db/run-bookkeeping';
import { sisRequestMetrics } from '../metrics/sync-metrics';

export interface SchoolContext {
  config: SchoolConfig;
  sis: CampusCloudClient;
  /** A dry run reads everything and writes only its report. */
  dryRun: boolean;
  /** Where the run's issues and counts go. */
  target: RunTarget;
  /**
   * Set for an incremental run: the instant (ISO 8601) from which it reads what changed. A full
   * run and a dry run read everything.
   */
  modifiedSince: string | undefined;
}

/**
 * The context of one run: the school's stored configuration, or for a dry run the configuration it
 * was started with (the school need not be enabled yet). One client per configuration version.
 * Every activity asks for its run's context, so a configuration is validated once per version,
 * not once per activity (validating a time zone alone costs a luxon zone lookup).
 */
export class SchoolContexts {
  private readonly versions = new Map<string, { config: SchoolConfig; sis: CampusCloudClient }>();

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
        'sync_runs.mode',
        'sync_runs.modified_since',
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
    const { config, sis } = this.version(raw, run.school_id);
    const dryRun = run.kind === 'dry-run';
    return {
      config,
      sis,
      dryRun,
      target: { schoolId: run.school_id, syncRunId, dryRun },
      modifiedSince:
        run.mode === 'incremental' && run.modified_since ? run.modified_since.toISOString() : undefined,
    };
  }

  /** The configuration as stored (jsonb: keys in a stable order), validated, with its client. */
  private version(raw: Record<string, unknown>, schoolId: string) {
    const key = JSON.stringify(raw);
    let version = this.versions.get(key);
    if (!version) {
      const config = parseSchoolConfig(raw, `configuration of school ${schoolId}`);
      const sis = new CampusCloudClient({
        baseUrl: config.sis.baseUrl,
        ...resolveCredentials(config, 'the worker'),
        timeoutMs: config.sis.requestTimeoutMs,
        limit: new SisRequestSlots(this.db, config.schoolId, config.sis.maxConcurrentRequests).run,
        observe: sisRequestMetrics(config.schoolId),
      });
      version = { config, sis };
      this.versions.set(key, version);
    }
    return version;
  }
}
