/** Installs the tools the project runs with that npm does not bring: the pinned Temporal CLI. */
import { installTemporalCli } from '../src/infra/temporal-cli';

async function main() {
  const cli = installTemporalCli();
  console.log(`Temporal CLI: ${cli}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
