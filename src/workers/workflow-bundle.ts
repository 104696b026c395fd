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

/** Which bundle a worker loads and whether it had to build it first. */
export interface BundleChoice {
  codePath: string;
  /** `given`: WORKFLOW_BUNDLE_PATH; `prebuilt`: dist/ matched the sources; else why it was built now. */
  source: 'given' | 'prebuilt' | 'missing' | 'stale';
}

/**
 * The bundle to load: WORKFLOW_BUNDLE_PATH when set (tests, a deployment's own path), else the
 * prebuilt bundle while it matches the sources, else one built now (told to `onBuild` first, as
 * it takes seconds) and kept for next time.
 */
export async function chooseWorkflowBundle(
  onBuild?: (source: 'missing' | 'stale') => void,
): Promise<BundleChoice> {
  const given = process.env.WORKFLOW_BUNDLE_PATH;
  if (given) return { codePath: given, source: 'given' };
  if (existsSync(prebuiltBundlePath) && existsSync(stampPath(prebuiltBundlePath))) {
    if (readFileSync(stampPath(prebuiltBundlePath), 'utf8') === sourceStamp()) {
      return { codePath: prebuiltBundlePath, source: 'prebuilt' };
    }
    onBuild?.('stale');
    return { codePath: await buildWorkflowBundle(), source: 'stale' };
  }
  onBuild?.('missing');
  return { codePath: await buildWorkflowBundle(), source: 'missing' };
}

/** The Worker.create option for the workflow code (see chooseWorkflowBundle). */
export async function workflowCode(): Promise<{ workflowBundle: { codePath: string } }> {
  return { workflowBundle: { codePath: (await chooseWorkflowBundle()).codePath } };
}
