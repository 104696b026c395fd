/** Starts test/support/worker-process.ts as a process of its own, so a test can kill it. */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { projectRoot } from '../../src/infra/paths';

/**
 * Resolves once the worker polls `taskQueue` against `databaseUrl`. `spreadActivities` turns off
 * eager activity dispatch, which runs a workflow's activities on the worker that has the workflow:
 * without it they go to whichever worker polls first, so two workers share one run's activities.
 */
export async function spawnWorker(
  databaseUrl: string,
  taskQueue: string,
  options: { spreadActivities?: boolean } = {},
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(projectRoot, 'test/support/worker-process.ts')],
    {
      cwd: projectRoot,
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        WORKER_TASK_QUEUE: taskQueue,
        ...(options.spreadActivities ? { WORKER_SPREAD_ACTIVITIES: '1' } : {}),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
  });
  return child;
}

export function stopWorker(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
}
