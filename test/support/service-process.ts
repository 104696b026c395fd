/**
 * A production process (`npm run worker`, `npm run web`) started as an operator would: the npm
 * script, configured by environment variables only. Its stdout is JSON log lines, kept parsed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { projectRoot } from '../../src/infra/paths';

export interface ServiceProcess {
  child: ChildProcess;
  /** Every stdout line so far, parsed (a line that is not JSON is kept as `{ notJson: line }`). */
  lines: Record<string, unknown>[];
  stderr(): string;
  /** The first log line matching, once it is written. */
  waitForLine(
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startService(script: 'worker' | 'web', env: Record<string, string>): ServiceProcess {
  const child = spawn('npm', ['run', '--silent', script], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  let partial = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop()!;
    for (const line of complete.filter(Boolean)) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ notJson: line });
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Its last lines may still be in the pipe at 'exit': resolved once stdout has ended too (or 2 s
  // later, should a killed npm leave its child holding the pipe).
  const stdoutEnded = new Promise<void>((resolve) => child.stdout!.once('end', resolve));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      const ended = Promise.race([stdoutEnded, new Promise((wait) => setTimeout(wait, 2_000))]);
      void ended.then(() => resolve({ code, signal }));
    }),
  );

  const waitForLine = (match: (line: Record<string, unknown>) => boolean, timeoutMs = 60_000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = lines.find(match);
        if (!found) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `${script}: no such log line within ${timeoutMs} ms:\n${JSON.stringify(lines)}\n${stderr}`,
          ),
        );
      }, timeoutMs);
      const onExit = () => {
        done();
        reject(new Error(`${script} exited before the log line:\n${JSON.stringify(lines)}\n${stderr}`));
      };
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
        child.off('exit', onExit);
      };
      waiters.add(check);
      child.once('exit', onExit);
      check();
    });

  return { child, lines, stderr: () => stderr, waitForLine, exited };
}

/** SIGTERM, then the exit code and how long the process took to exit. */
export async function stopService(service: ServiceProcess) {
  const started = Date.now();
  if (service.child.exitCode === null && service.child.signalCode === null) service.child.kill('SIGTERM');
  const result = await service.exited;
  return { ...result, ms: Date.now() - started };
}
