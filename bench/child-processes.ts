/**
 * Child processes of the benchmarks: TypeScript files of bench/ run under tsx with an IPC channel
 * (the worker, bench/worker-process.ts, and the roster floor, bench/floor-process.ts), the messages
 * they send, and the worker's lifecycle and memory figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../src/infra/paths';
import type { WorkerMessage } from './worker-process';

/** BENCH_CPU_PROF=1: the worker and floor processes write V8 CPU profiles to bench/results/profiles/. */
const profileFlags = process.env.BENCH_CPU_PROF
  ? ['--cpu-prof', `--cpu-prof-dir=${path.join(projectRoot, 'bench', 'results', 'profiles')}`]
  : [];

/**
 * The worker's heap limit, as `npm run worker` sets it (package.json, WORKER_HEAP_MB): without one
 * V8 lets a busy worker's heap grow towards a quarter of the machine's memory before it collects.
 */
const WORKER_NODE_FLAGS = [`--max-old-space-size=${process.env.WORKER_HEAP_MB ?? 512}`];

/** bench/<file> under tsx in a child process with an IPC channel, on this process's stdout and stderr. */
export function spawnTs(file: string, env: NodeJS.ProcessEnv, nodeFlags: string[] = []): ChildProcess {
  return spawn(
    process.execPath,
    [...nodeFlags, ...profileFlags, '--import', 'tsx', path.join(projectRoot, 'bench', file)],
    {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
}

/** Resolves with the first message that matches; rejects if the child exits first. */
export function nextMessage<T>(child: ChildProcess, matches: (message: unknown) => message is T): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (!matches(message)) return;
      cleanup();
      resolve(message);
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(
        new Error(`${path.basename(String(child.spawnargs.at(-1)))} exited (code ${code}, signal ${signal})`),
      );
    };
    const cleanup = () => {
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

/** A type guard for IPC messages `{ type }`. */
export const isType =
  <K extends string>(type: K) =>
  (message: unknown): message is { type: K } & Record<string, unknown> =>
    typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;

/**
 * bench/worker-process.ts in a child process: the production worker, whose RSS it reports every
 * 100 ms. `start` resolves once it polls; `env` gives it DATABASE_URL, TEMPORAL_ADDRESS and
 * BENCH_TASK_QUEUE. `stop` shuts it down gracefully (SIGKILL after 30 s), `kill` kills it at once;
 * both do nothing once it has exited, so they can be called again from a cleanup path.
 */
export class WorkerProcess {
  private peakSinceReset = 0;
  maxRssBytes = 0;

  private constructor(readonly child: ChildProcess) {
    child.on('message', (message: WorkerMessage) => {
      if (message.type === 'memory') {
        this.peakSinceReset = Math.max(this.peakSinceReset, message.rssBytes);
        this.maxRssBytes = Math.max(this.maxRssBytes, message.maxRssBytes);
      } else if (message.type === 'exit') {
        this.maxRssBytes = Math.max(this.maxRssBytes, message.maxRssBytes);
      }
    });
  }

  static async start(env: NodeJS.ProcessEnv): Promise<WorkerProcess> {
    const child = spawnTs('worker-process.ts', env, WORKER_NODE_FLAGS);
    const worker = new WorkerProcess(child);
    await nextMessage(child, isType('ready'));
    return worker;
  }

  resetPeak(): void {
    this.peakSinceReset = 0;
  }

  get peakRssBytes(): number {
    return this.peakSinceReset;
  }

  /** SIGKILL, as a crash or an OOM kill would end it: no shutdown, activities in flight abandoned. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.child.send({ type: 'shutdown' });
    else this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
  }
}
