/**
 * Where Temporal is: the local dev server by default, a cluster or Temporal Cloud through
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and, for mTLS, TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY files.
 */
import { readFileSync } from 'node:fs';

export const TASK_QUEUE = process.env.TEMPORAL_TASK_QUEUE ?? 'coursekey-sync';

export function temporalAddress(): string {
  return process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
}

export function temporalNamespace(): string {
  return process.env.TEMPORAL_NAMESPACE ?? 'default';
}

/** Accepted by both the client's Connection and the worker's NativeConnection. */
export function temporalConnectionOptions() {
  const cert = process.env.TEMPORAL_TLS_CERT;
  const key = process.env.TEMPORAL_TLS_KEY;
  return {
    address: temporalAddress(),
    tls: cert && key ? { clientCertPair: { crt: readFileSync(cert), key: readFileSync(key) } } : undefined,
  };
}

export function temporalUiUrl(): string {
  return process.env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
}

/** The Web UI page of a workflow, for people following a run. */
export function workflowUrl(workflowId: string, uiUrl = temporalUiUrl()): string {
  return `${uiUrl}/namespaces/${encodeURIComponent(temporalNamespace())}/workflows/${encodeURIComponent(workflowId)}`;
}
