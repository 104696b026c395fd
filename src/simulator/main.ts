/** CLI: run the simulator with a generated or file dataset until Ctrl-C. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadDatasetFile } from './dataset';
import { generateDataset, type Preset } from './generate';
import { createSimulator, DEFAULT_USERNAME } from './server';

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new InvalidArgumentError('expected a whole number');
  return parsed;
}

interface CliOptions {
  preset?: Preset;
  dataset?: string;
  port: number;
  host: string;
  seed?: number;
  anchorDate?: string;
  otherCampuses?: string[];
  log: boolean;
}

async function main() {
  const options = new Command()
    .name('simulator')
    .description('Campus Cloud Student SIS simulator serving the API contract on loopback')
    .addOption(
      new Option('--preset <preset>', 'generate a dataset (default: small)')
        .choices(['small', 'large'])
        .conflicts('dataset'),
    )
    .option('--dataset <file>', 'serve a dataset JSON file (see docs/simulator.md)')
    .option('--port <port>', 'port to listen on (0 = any free port)', integer, 4010)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--seed <n>', 'seed of the generated dataset', integer)
    .option('--anchor-date <YYYY-MM-DD>', 'date the generated data is current at (default: today, UTC)')
    .option(
      '--other-campuses <ids>',
      'more campuses of the generated dataset besides MAIN, comma-separated (e.g. NORTH,SOUTH)',
      (value: string) => value.split(',').filter(Boolean),
    )
    .option('--log', 'log every request', false)
    .parse()
    .opts<CliOptions>();

  const dataset = options.dataset
    ? await loadDatasetFile(options.dataset)
    : generateDataset({
        preset: options.preset ?? 'small',
        seed: options.seed,
        anchorDate: options.anchorDate,
        otherCampusIds: options.otherCampuses,
      });
  const simulator = await createSimulator({
    dataset,
    host: options.host,
    port: options.port,
    logger: options.log,
  });
  console.log(`Campus Cloud simulator: ${simulator.url} (admin: ${simulator.adminUrl})`);
  console.log(
    `campusId ${[dataset.campusId, ...dataset.otherCampusIds].join(', ')}, ${dataset.students.length} students, ${dataset.sections.length} sections; ` +
      `service account "${DEFAULT_USERNAME}"`,
  );

  const stop = async () => {
    await simulator.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
