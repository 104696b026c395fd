/**
 * The workflow code a worker loads. Bundling it with webpack takes 7 to 40 s, which every crash
 * recovery would pay; so a bundle is built once (`npm run build`, or the first start) into
 * dist/ with a stamp of the sources it came from, and a worker loads it while the stamp matches.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../infra/paths';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));
export const prebuiltBundlePath = path.join(projectRoot, 'dist', 'workflow-bundle.js');
const stampPath = (bundlePath: string) => `${bundlePath}.stamp`;

/** What the bundle is made of: the workflow sources and the SDK version that wraps them. */
function sourceStamp(): string {
  const hash = createHash('sha256');
  const workflowDir = path.dirname(workflowsPath);
  for (const file of readdirSync(workflowDir, { recursive: true, encoding: 'utf8' }).sort()) {
    if (!file.endsWith('.ts')) continue;
    hash.update(file).update(readFileSync(path.join(workflowDir, file)));
  }
  const sdk = JSON.parse(
    readFileSync(path.join(projectRoot, 'node_modules', '@temporalio', 'workflow', 'package.json'), 'utf8'),
  ) as { version: string };
  return hash.update(sdk.version).digest('hex');
}

/** Bundles the workflows and writes the bundle with its stamp (atomically, for a concurrent reader). */
export async function buildWorkflowBundle(bundlePath = prebuiltBundlePath): Promise<string> {
  const stamp = sourceStamp();
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
  });
  mkdirSync(path.dirname(bundlePath), { recursive: true });
  const partial = `${bundlePath}.${process.pid}.tmp`;
  writeFileSync(partial, code);
  renameSync(partial, bundlePath);
  writeFileSync(stampPath(bundlePath), stamp);
  return bundlePath;
}

/**
 * The Worker.create option for the workflow code: WORKFLOW_BUNDLE_PATH when set (tests), else the
 * prebuilt bundle while it matches the sources, else a bundle built now and kept for next time.
 */
export async function workflowCode(): Promise<{ workflowBundle: { codePath: string } }> {
  const given = process.env.WORKFLOW_BUNDLE_PATH;
  if (given) return { workflowBundle: { codePath: given } };
  const current =
    existsSync(prebuiltBundlePath) &&
    existsSync(stampPath(prebuiltBundlePath)) &&
    readFileSync(stampPath(prebuiltBundlePath), 'utf8') === sourceStamp();
  if (!current) await buildWorkflowBundle();
  return { workflowBundle: { codePath: prebuiltBundlePath } };
}
