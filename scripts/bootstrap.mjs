/* global process, console */
/**
 * The first step of `npm start` and `npm test`, in plain Node so it runs on a fresh clone: installs
 * what is missing and says so. npm packages (when node_modules is missing or older than the lock
 * file), the pinned Temporal CLI, and with --browser Debian's Chromium for the dashboard's browser
 * test (as root, through apt-get). Everything already there is left alone, in well under a second.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const installedLock = path.join(root, 'node_modules', '.package-lock.json');
const CHROMIUM = '/usr/bin/chromium';

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`» \`${[command, ...args].join(' ')}\` failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

const onPath = (command) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

if (
  !existsSync(installedLock) ||
  statSync(installedLock).mtimeMs < statSync(path.join(root, 'package-lock.json')).mtimeMs
) {
  console.log('» Installing npm packages (npm ci)…');
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

// The Temporal CLI (dev server, Web UI, `temporal schedule`): found quickly when already there.
execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'install-tools.ts')], {
  cwd: root,
  stdio: 'inherit',
});

if (process.argv.includes('--browser') && !existsSync(CHROMIUM)) {
  if (process.getuid?.() === 0 && onPath('apt-get')) {
    console.log("» Installing Debian's Chromium for the dashboard's browser test (apt-get)…");
    run('apt-get', ['update', '-qq']);
    run('apt-get', ['install', '-y', '-qq', 'chromium']);
  } else {
    console.warn(
      `» ${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium) for the browser test.`,
    );
  }
}
