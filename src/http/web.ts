/**
 * `npm run web`: the CourseKey API and the Integrations Insight Dashboard as a production process,
 * configured by its environment only (HOST, PORT, TRUST_PROXY, DATABASE_URL, the TEMPORAL_*
 * variables, LOG_LEVEL; docs/deploy.md). It creates no admin (`npm run cli -- admin create`) and
 * applies no migration (the worker or `npm run migrate` does; `/readyz` answers 503 until then).
 * It starts while PostgreSQL or Temporal is down and reports them in `/readyz`; SIGTERM/SIGINT
 * stop accepting connections, let the requests in hand finish, and exit 0.
 */
import { Client, Connection } from '@temporalio/client';
import { createDb } from '../db/connection';
import { createLogger } from '../logging/logger';
import { exitOnFailure } from '../logging/exit-on-failure';
import { temporalConnectionOptions, temporalNamespace, temporalUiUrl } from '../temporal/connection';
import { createHttpServer } from './server';
import { readWebSettings } from './web-settings';
import { onStopSignal } from '../ops/stop-signals';

const logger = createLogger({ name: 'web' });

async function main() {
  const settings = readWebSettings();
  logger.level = settings.LOG_LEVEL;
  const db = createDb(undefined, undefined, logger);
  // Lazy: the first request connects, so a Temporal outage at start is a 503 from /readyz, not a crash.
  const connection = Connection.lazy(temporalConnectionOptions());
  const temporal = new Client({ connection, namespace: temporalNamespace() });
  // /readyz pings through a connection of its own without retries: a probe ends at its deadline.
  const temporalProbe = Connection.lazy({ ...temporalConnectionOptions(), interceptors: [] });
  const app = await createHttpServer({
    db,
    temporal,
    temporalProbe,
    temporalUiUrl: temporalUiUrl(),
    logger,
    trustProxy: settings.TRUST_PROXY,
  });

  const stop = async (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'stopping: finishing the requests in hand');
    await app.close();
    await temporalProbe.close();
    await connection.close();
    await db.destroy();
    logger.info('stopped');
    process.exit(0);
  };
  onStopSignal((signal) => void stop(signal));

  const url = await app.listen({ host: settings.HOST, port: settings.PORT });
  logger.info({ url, trustProxy: settings.TRUST_PROXY }, `CourseKey API and dashboard at ${url}`);
}

main().catch((err: unknown) => exitOnFailure(logger, err, 'Cannot start'));
