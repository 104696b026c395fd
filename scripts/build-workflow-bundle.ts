/** `npm run build`: the workflow bundle workers load at start (dist/workflow-bundle.js). */
import { buildWorkflowBundle } from '../src/workers/workflow-bundle';

async function main() {
  const started = Date.now();
  const bundlePath = await buildWorkflowBundle();
  console.log(`Workflow bundle: ${bundlePath} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
