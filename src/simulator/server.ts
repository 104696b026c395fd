/** Starts the Campus Cloud Student SIS simulator: a real HTTP server on loopback serving the contract. */
import Fastify, { type FastifyError } from 'fastify';
import { registerAdminRoutes } from './admin-routes';
import { registerApiRoutes } from './api-routes';
import type { AttendanceSnapshot, PostAttendanceCall } from './attendance';
import type { Dataset } from './dataset';
import { errorBody, SimulatorError } from './errors';
import type { FaultSettings, FaultSettingsInput } from './faults';
import type { Mutation } from './mutations';
import type { RequestStatsSnapshot } from './request-stats';
import { SimulatorState } from './state';

export const DEFAULT_USERNAME = 'coursekey-sync';
export const DEFAULT_PASSWORD = 'demo-password';

export interface SimulatorOptions {
  /** Owned by the simulator from now on: mutations change it in place (pass a structuredClone to keep yours). */
  dataset: Dataset;
  username?: string;
  password?: string;
  /** Lifetime of Authenticate tokens; 3600 by default. */
  tokenTtlSeconds?: number;
  /** 127.0.0.1 by default. */
  host?: string;
  /** 0 (any free port) by default. */
  port?: number;
  logger?: boolean;
  /** Initial fault settings, as for PUT /_admin/faults. */
  faults?: FaultSettingsInput;
}

/** A running simulator; the methods do in-process what the /_admin endpoints do over HTTP. */
export interface Simulator {
  /** Base URL of the API, e.g. http://127.0.0.1:4010/api */
  url: string;
  /** Base URL of the admin API, e.g. http://127.0.0.1:4010/_admin */
  adminUrl: string;
  port: number;
  state: SimulatorState;
  getDataset(): Dataset;
  replaceDataset(dataset: Dataset): void;
  mutate(mutation: Mutation): void;
  getFaults(): FaultSettings;
  setFaults(settings: FaultSettingsInput): void;
  getAttendance(): AttendanceSnapshot;
  getCalls(): PostAttendanceCall[];
  getStats(): RequestStatsSnapshot;
  resetStats(): void;
  revokeTokens(): void;
  close(): Promise<void>;
}

export async function createSimulator(options: SimulatorOptions): Promise<Simulator> {
  const state = new SimulatorState(options.dataset, {
    tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
    faults: options.faults,
  });
  const credentials = {
    username: options.username ?? DEFAULT_USERNAME,
    password: options.password ?? DEFAULT_PASSWORD,
  };
  // forceCloseConnections: close() must not wait for requests held open by injected timeouts.
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });

  app.setErrorHandler((error: FastifyError | SimulatorError, request, reply) => {
    if (error instanceof SimulatorError) {
      return reply.code(error.statusCode).send(errorBody(error.code, error.message));
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error(error);
    return reply.code(status).send(errorBody(status < 500 ? 'BadRequest' : 'InternalError', error.message));
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody('NotFound', `no endpoint ${request.method} ${request.url.split('?')[0]}`)),
  );

  await app.register(async (api) => registerApiRoutes(api, state, credentials), { prefix: '/api' });
  await app.register(async (admin) => registerAdminRoutes(admin, state), { prefix: '/_admin' });

  await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
  const origin = `http://${formatHost(options.host ?? '127.0.0.1')}:${port}`;

  return {
    url: `${origin}/api`,
    adminUrl: `${origin}/_admin`,
    port,
    state,
    getDataset: () => state.dataset,
    replaceDataset: (dataset) => state.replaceDataset(dataset),
    mutate: (mutation) => state.mutate(mutation),
    getFaults: () => state.getFaults(),
    setFaults: (settings) => state.setFaults(settings),
    getAttendance: () => state.getAttendance(),
    getCalls: () => state.getCalls(),
    getStats: () => state.getStats(),
    resetStats: () => state.resetStats(),
    revokeTokens: () => state.revokeTokens(),
    close: async () => {
      state.faults.stop();
      await app.close();
    },
  };
}

/** IPv6 literals need brackets in a URL. */
function formatHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
