/**
 * The benchmarks' worker, in a process of its own so its memory can be measured apart from the
 * Temporal client, the simulator and PostgreSQL (and killed apart from them, bench/faults.ts).
 * Started with an IPC channel by WorkerProcess (bench/child-processes.ts) for every bench; the same
 * worker as `npm run worker` (createWorker, default pool), on the bench's DATABASE_URL,
 * TEMPORAL_ADDRESS and task queue (BENCH_TASK_QUEUE).
 *
 * Messages to the parent: {type:'ready'} once polling, {type:'memory'} every 100 ms (current RSS
 * and the process's peak RSS so far), {type:'exit'} with the final peak after a graceful shutdown.
 * The parent sends {type:'shutdown'} (SIGTERM works too).
 */
import { NativeConnection } from '@temporalio/worker';
import { createDb } from '../src/db/connection';
import { temporalConnectionOptions } from '../src/temporal/connection';
import { createLogger } from '../src/logging/logger';
import { temporalLogger } from '../src/logging/temporal-logger';
import { createWorker } from '../src/workers/create-worker';
import { installTemporalRuntime } from '../src/workers/temporal-runtime';
import { readWorkerSettings, workerSlots } from '../src/workers/worker-settings';

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'memory'; rssBytes: number; maxRssBytes: number; heapUsedBytes: number }
  | { type: 'exit'; maxRssBytes: number };

function send(message: WorkerMessage): void {
  if (process.connected) process.send?.(message);
}

/** `resourceUsage().maxRSS` is in kilobytes: the high-water mark of the whole process. */
const maxRssBytes = () => process.resourceUsage().maxRSS * 1024;

function memory(): WorkerMessage {
  const usage = process.memoryUsage();
  return { type: 'memory', rssBytes: usage.rss, maxRssBytes: maxRssBytes(), heapUsedBytes: usage.heapUsed };
}

async function main() {
  const taskQueue = process.env.BENCH_TASK_QUEUE;
  if (!taskQueue || !process.send)
    throw new Error(
      'Started by the benches (bench/roster-large.ts, attendance-posting.ts, faults.ts) through WorkerProcess (bench/child-processes.ts) only (BENCH_TASK_QUEUE, IPC).',
    );
  // Warnings and errors only, as JSON lines: the bench prints its own progress.
  await installTemporalRuntime({
    logger: temporalLogger(createLogger({ name: 'bench-worker', level: 'warn' })),
    metrics: false,
  });
  const settings = readWorkerSettings();
  const db = createDb(undefined, settings.DATABASE_POOL_MAX);
  const connection = await NativeConnection.connect(temporalConnectionOptions());
  const worker = await createWorker({
    db,
    connection,
    taskQueue,
    ...workerSlots(settings),
  });
  const stop = () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
  };
  process.on('message', (message: { type?: string }) => message.type === 'shutdown' && stop());
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The parent lost: nothing left to report to, stop polling.
  process.once('disconnect', stop);

  const sampler = setInterval(() => send(memory()), 100);
  const running = worker.run();
  send({ type: 'ready' });
  try {
    await running;
  } finally {
    clearInterval(sampler);
    await connection.close();
    await db.destroy();
  }
  send({ type: 'exit', maxRssBytes: maxRssBytes() });
  process.disconnect?.();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
