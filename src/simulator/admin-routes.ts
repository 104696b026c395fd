/** The admin API under /_admin: no auth, loopback callers only, never subject to fault injection. */
import type { FastifyInstance } from 'fastify';
import { datasetSchema, describeIssues } from './dataset';
import { badRequest, errorBody } from './errors';
import type { FaultSettingsInput } from './faults';
import type { Mutation } from './mutations';
import type { SimulatorState } from './state';

/** A whole large dataset as JSON is tens of megabytes. */
const DATASET_BODY_LIMIT = 512 * 1024 * 1024;

function isLoopback(address: string | undefined): boolean {
  return !!address && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

export function registerAdminRoutes(app: FastifyInstance, state: SimulatorState) {
  app.addHook('onRequest', async (request, reply) => {
    if (!isLoopback(request.socket.remoteAddress)) {
      return reply.code(403).send(errorBody('Forbidden', 'the admin API answers loopback callers only'));
    }
  });

  app.get('/dataset', async () => state.dataset);
  app.put('/dataset', { bodyLimit: DATASET_BODY_LIMIT }, async (request) => {
    const result = datasetSchema.safeParse(request.body);
    if (!result.success) throw badRequest(`invalid dataset:\n${describeIssues(result.error, request.body)}`);
    state.replaceDataset(result.data);
    return { ok: true };
  });

  // mutate and setFaults validate their argument, so the bodies are passed on as they came.
  app.post('/mutations', async (request) => {
    state.mutate(request.body as Mutation);
    return { ok: true };
  });

  app.get('/faults', async () => state.getFaults());
  app.put('/faults', async (request) => {
    state.setFaults((request.body ?? {}) as FaultSettingsInput);
    return state.getFaults();
  });

  app.get('/attendance', async () => state.getAttendance());
  app.get('/calls', async () => ({ calls: state.getCalls() }));

  app.get('/stats', async () => state.getStats());
  app.post('/stats/reset', async () => {
    state.resetStats();
    return { ok: true };
  });

  app.post('/tokens/revoke', async () => {
    state.revokeTokens();
    return { ok: true };
  });
}
