/**
 * The real parts for a test run or a benchmark: a Temporal dev server and embedded PostgreSQL on
 * free loopback ports, with throwaway data under a scratch folder.
 */
import path from 'node:path';
import { startEmbeddedPostgres, type RunningPostgres } from './embedded-postgres';
import { onFreePort } from './ports';
import { startTemporalDevServer, type TemporalDevServer } from './temporal-dev-server';

export interface ThrowawayServers {
  temporal: TemporalDevServer;
  postgres: RunningPostgres;
  stop(): Promise<void>;
}

export async function startThrowawayServers(scratch: string): Promise<ThrowawayServers> {
  const started = await Promise.allSettled([
    onFreePort((port) => startTemporalDevServer({ port, headless: true, reuseRunning: false })),
    onFreePort((port) =>
      startEmbeddedPostgres({
        dataDir: path.join(scratch, 'pg'),
        port,
        throwaway: true,
        reuseRunning: false,
      }),
    ),
  ] as const);
  const [temporal, postgres] = started;
  if (temporal.status === 'rejected' || postgres.status === 'rejected') {
    // Stop whichever did start, so a failed start leaves no server behind.
    await Promise.allSettled(
      started.map((part) => (part.status === 'fulfilled' ? part.value.stop() : undefined)),
    );
    throw started.find((part) => part.status === 'rejected')!.reason;
  }
  return {
    temporal: temporal.value,
    postgres: postgres.value,
    stop: async () => {
      await Promise.allSettled([temporal.value.stop(), postgres.value.stop()]);
    },
  };
}
