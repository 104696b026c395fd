/** Runs an operator command (`src/client/<script>`) in its own process, as staff run it. */
import { spawn } from 'node:child_process';
import { projectRoot } from '../../src/infra/paths';

export interface CommandResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The test process keeps serving (the simulator, the worker) while the command runs; `input` is its stdin. */
export function runCommand(
  script: 'cli.ts' | 'dry-run.ts',
  args: string[],
  env: Record<string, string>,
  input?: string,
): Promise<CommandResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', `src/client/${script}`, ...args], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
  });
  child.stdin.end(input);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}
