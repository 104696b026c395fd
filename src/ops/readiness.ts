/**
 * Whether a process can do its work: the database answers, Temporal answers, and the database has
 * every migration in schema/. Used by `/readyz` of the web process and of the worker. Each check
 * gets a short deadline, so a dependency that hangs answers "not ready" rather than never; the
 * result says which check failed in a word, the cause goes to the log only.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database';
import { pendingMigrations } from '../db/migrate';

/** The part of a Temporal Connection or NativeConnection readiness needs. */
export interface TemporalPing {
  workflowService: { getSystemInfo(request: object): Promise<unknown> };
  withDeadline<R>(deadline: number | Date, fn: () => Promise<R>): Promise<R>;
}

export type CheckResult = 'ok' | 'unreachable' | 'pending migrations' | 'unknown';

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; migrations: CheckResult; temporal: CheckResult | 'not used' };
  /** Names of migrations not applied yet. */
  pending?: string[];
  /** Why each failed check failed, for the log (may quote the database or Temporal). */
  causes: Record<string, string>;
}

export interface ReadinessDeps {
  db: Kysely<Database>;
  /** Without it (a process that does not talk to Temporal) the check is skipped. */
  temporal?: TemporalPing;
  timeoutMs?: number;
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

export async function checkReadiness(deps: ReadinessDeps): Promise<Readiness> {
  const ms = deps.timeoutMs ?? 2_000;
  const causes: Record<string, string> = {};

  const database = withDeadline(sql`select 1`.execute(deps.db), ms, 'PostgreSQL').then(
    () => 'ok' as const,
    (err: unknown) => ((causes.database = reason(err)), 'unreachable' as const),
  );
  const connection = deps.temporal;
  const temporal = connection
    ? withDeadline(
        // The call's own deadline too, so a probe of a dead Temporal leaves no call behind.
        connection.withDeadline(Date.now() + ms, () => connection.workflowService.getSystemInfo({})),
        ms + 500,
        'Temporal',
      ).then(
        () => 'ok' as const,
        (err: unknown) => ((causes.temporal = reason(err)), 'unreachable' as const),
      )
    : Promise.resolve('not used' as const);

  const databaseResult = await database;
  let pending: string[] | undefined;
  let migrations: CheckResult = 'unknown';
  if (databaseResult === 'ok') {
    try {
      pending = await withDeadline(pendingMigrations(deps.db), ms, 'PostgreSQL');
      migrations = pending.length ? 'pending migrations' : 'ok';
    } catch (err) {
      causes.migrations = reason(err);
    }
  }
  const checks = { database: databaseResult, migrations, temporal: await temporal };
  const ready = checks.database === 'ok' && checks.migrations === 'ok' && checks.temporal !== 'unreachable';
  return { ready, checks, ...(pending?.length ? { pending } : {}), causes };
}
