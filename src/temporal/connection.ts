/**
 * Where Temporal is: the local dev server by default, a cluster or Temporal Cloud through
 * TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE and either mTLS (TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY
 * files) or an API key (TEMPORAL_API_KEY); either turns TLS on.
 */
import { readFileSync } from 'node:fs';

export const TASK_QUEUE = process.env.TEMPORAL_TASK_QUEUE ?? 'coursekey-sync';

export function temporalAddress(): string {
  return process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
}

export function temporalNamespace(): string {
  return process.env.TEMPORAL_NAMESPACE ?? 'default';
}

function readTlsFile(variable: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new Error(
      `${variable}=${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}).`,
    );
  }
}

/** Accepted by both the client's Connection and the worker's NativeConnection. */
export function temporalConnectionOptions() {
  const cert = process.env.TEMPORAL_TLS_CERT || undefined;
  const key = process.env.TEMPORAL_TLS_KEY || undefined;
  const apiKey = process.env.TEMPORAL_API_KEY || undefined;
  if (Boolean(cert) !== Boolean(key)) {
    throw new Error(
      'TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY are set together (the client certificate and its key).',
    );
  }
  const clientCertPair =
    cert && key
      ? { crt: readTlsFile('TEMPORAL_TLS_CERT', cert), key: readTlsFile('TEMPORAL_TLS_KEY', key) }
      : undefined;
  return {
    address: temporalAddress(),
    tls: clientCertPair ? { clientCertPair } : apiKey ? true : undefined,
    ...(apiKey ? { apiKey } : {}),
  };
}

export function temporalUiUrl(): string {
  return process.env.TEMPORAL_UI_URL ?? 'http://127.0.0.1:8233';
}

/** The Web UI page of a workflow, for people following a run. */
export function workflowUrl(workflowId: string, uiUrl = temporalUiUrl()): string {
  return `${uiUrl}/namespaces/${encodeURIComponent(temporalNamespace())}/workflows/${encodeURIComponent(workflowId)}`;
}
