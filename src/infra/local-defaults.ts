/**
 * Where `npm start` puts the embedded parts, so the CLI and worker find them without settings.
 * Production sets DATABASE_URL and TEMPORAL_ADDRESS instead.
 */
import path from 'node:path';
import type { SchoolConfig } from '../config/school-config';
import { DEFAULT_PASSWORD, DEFAULT_USERNAME } from '../simulator/server';
import { dataDir } from './paths';

export const LOCAL_POSTGRES_PORT = Number(process.env.COURSEKEY_PG_PORT ?? 54329);
export const LOCAL_TEMPORAL_PORT = 7233;
export const LOCAL_TEMPORAL_UI_PORT = 8233;
export const LOCAL_SIMULATOR_PORT = 4010;
export const LOCAL_HTTP_PORT = Number(process.env.COURSEKEY_HTTP_PORT ?? 3000);
export const localPostgresDir = path.join(dataDir, 'postgres');
export const localTemporalDbFile = path.join(dataDir, 'temporal', 'dev-server.sqlite');

/** Against the local simulator, its service account, unless the operator set credentials. */
export function useSimulatorServiceAccount(config: SchoolConfig): void {
  const credentials = config.sis.credentials;
  if (
    config.sis.baseUrl.startsWith(`http://127.0.0.1:${LOCAL_SIMULATOR_PORT}/`) &&
    'usernameEnv' in credentials
  ) {
    process.env[credentials.usernameEnv] ??= DEFAULT_USERNAME;
    process.env[credentials.passwordEnv] ??= DEFAULT_PASSWORD;
  }
}
