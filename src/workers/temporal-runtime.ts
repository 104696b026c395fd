/**
 * The worker process's Temporal runtime, with the SDK's own metrics (task slots, poll and
 * activity latencies, sticky cache, ...) exported in Prometheus format on a loopback port of its
 * own; the ops server scrapes it and serves it within the worker's one /metrics.
 */
import { Runtime, type Logger } from '@temporalio/worker';
import { freePort } from '../infra/ports';

/**
 * Installs the runtime (once per process, before any connection), with the SDK core's own log
 * lines (warnings and errors) forwarded into `logger` rather than printed in its console format;
 * with `metrics`, returns where the SDK's metrics are.
 */
export async function installTemporalRuntime(options: {
  logger: Logger;
  metrics: boolean;
}): Promise<string | undefined> {
  const bindAddress = options.metrics ? `127.0.0.1:${await freePort()}` : undefined;
  Runtime.install({
    logger: options.logger,
    telemetryOptions: {
      logging: { forward: {}, filter: { core: 'WARN', other: 'ERROR' } },
      ...(bindAddress
        ? {
            metrics: {
              // Prometheus's conventions: counters end in _total, durations in seconds, units in the name.
              prometheus: {
                bindAddress,
                countersTotalSuffix: true,
                useSecondsForDurations: true,
                unitSuffix: true,
              },
            },
          }
        : {}),
    },
  });
  return bindAddress && `http://${bindAddress}/metrics`;
}

/** The SDK's metrics text; a comment instead when they cannot be read, so the project's still serve. */
export async function temporalSdkMetrics(url: string): Promise<string> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    // One exposition per response: an OpenMetrics end marker would end the merged text early.
    return (await response.text()).replace(/^# EOF\s*$/m, '');
  } catch (err) {
    return `# Temporal SDK metrics unavailable from ${url}: ${err instanceof Error ? err.message : String(err)}\n`;
  }
}
