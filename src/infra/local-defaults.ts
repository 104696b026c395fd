/**
 * Where `npm start` puts the embedded parts, so the CLI and worker find them without settings.
 * Production sets DATABASE_URL and TEMPORAL_ADDRESS instead.
 */
import path from 'node:path';
import { dataDir } from './paths';

export const LOCAL_POSTGRES_PORT = Number(process.env.COURSEKEY_PG_PORT ?? 54329);
export const LOCAL_TEMPORAL_PORT = 7233;
export const LOCAL_TEMPORAL_UI_PORT = 8233;
export const LOCAL_SIMULATOR_PORT = 4010;
export const LOCAL_HTTP_PORT = Number(process.env.COURSEKEY_HTTP_PORT ?? 3000);
export const localPostgresDir = path.join(dataDir, 'postgres');
export const localTemporalDbFile = path.join(dataDir, 'temporal', 'dev-server.sqlite');
