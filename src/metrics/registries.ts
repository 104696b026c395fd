/**
 * Prometheus registries, one per kind of process: the worker's (the sync and its SIS requests,
 * served by the ops server beside the Temporal SDK's own metrics) and the web process's (its HTTP
 * requests). Both carry prom-client's process metrics (CPU, memory, event loop lag). `npm start`
 * runs both in one process and serves each on its own endpoint.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';

export const workerRegistry = new Registry();
export const webRegistry = new Registry();
for (const register of [workerRegistry, webRegistry]) collectDefaultMetrics({ register });
