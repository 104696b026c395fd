/**
 * Before a school is enabled: its SIS accepts the service account and answers one list call
 * (GetTerm for the campus, the first call of every sync), so a wrong URL, account or campus
 * shows now rather than in the first scheduled run.
 */
import pLimit from 'p-limit';
import { CampusCloudClient } from '../campus-cloud/client';
import type { SisCredentials } from '../config/credentials';
import { ConfigError } from '../config/load-school-config';
import type { SchoolConfig } from '../config/school-config';

export async function preflightSis(
  config: SchoolConfig,
  credentials: SisCredentials,
  source: string,
): Promise<{ terms: number }> {
  const sis = new CampusCloudClient({
    baseUrl: config.sis.baseUrl,
    ...credentials,
    timeoutMs: config.sis.requestTimeoutMs,
    limit: pLimit(1),
    tries: 1, // one answer is the question; a flaky SIS is for the sync's retries
  });
  try {
    const terms = await sis.getTerms(config.campusId, undefined, undefined, 1, 1);
    return { terms: terms.totalCount };
  } catch (err) {
    const reason = (err as Error).message.replace(/\.$/, '');
    throw new ConfigError(
      `${source}: preflight against the SIS at ${config.sis.baseUrl} (campus ${config.campusId}) failed: ${reason}. Fix field "sis" or the service account, or pass --skip-preflight while the SIS is not reachable yet.`,
    );
  }
}
