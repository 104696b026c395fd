/**
 * Starts the Temporal dev server (SQLite file, Web UI) as the embedded default, or reuses one
 * already listening at the address. A real cluster is used by setting TEMPORAL_ADDRESS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isListening } from './ports';
import { requireTemporalCli } from './temporal-cli';

export interface TemporalDevServer {
  address: string;
  uiUrl: string;
  /** Undefined when an already running server was reused. */
  process?: ChildProcess;
  stop(): Promise<void>;
}

export async function startTemporalDevServer(options: {
  port?: number;
  uiPort?: number;
  /** SQLite file that keeps history across restarts; in memory when omitted. */
  dbFile?: string;
  headless?: boolean;
  /** A server already listening on the port is used as it is; false makes that an error. */
  reuseRunning?: boolean;
}): Promise<TemporalDevServer> {
  const port = options.port ?? 7233;
  const uiPort = options.uiPort ?? port + 1000;
  const address = `127.0.0.1:${port}`;
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  if (await isListening('127.0.0.1', port)) {
    if (options.reuseRunning === false) throw new Error(`Port ${port} is already in use.`);
    return { address, uiUrl, stop: async () => {} };
  }
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'error'];
  // Every workflow of a school carries it (src/workflows/search-attributes.ts): registered at start.
  args.push('--search-attribute', 'schoolId=Keyword');
  if (options.headless) args.push('--headless');
  else args.push('--ui-port', String(uiPort));
  if (options.dbFile) {
    mkdirSync(path.dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  // Same process group: Ctrl-C in a terminal stops it too, even if this process is killed first.
  const child = spawn(requireTemporalCli(), args, { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null)
      throw new Error(`The Temporal dev server exited with code ${child.exitCode}.`);
    if (await isListening('127.0.0.1', port)) {
      return {
        address,
        uiUrl,
        process: child,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      };
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`The Temporal dev server did not listen on ${address} within 30 s.`);
}
