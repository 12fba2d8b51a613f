import { optionalString, parseIntegerFlag, requireString, type CommandSpec, runCommandLine } from '../../services/core/src/infrastructure/cliArgs.ts';
import { UserError } from '../../services/core/src/infrastructure/errors.ts';
import { generateDataset } from './generateDataset.ts';
import { listScenarios, loadScenarioFile, scenarioPath } from './scenarioConfig.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent generate -- (--scenario NAME | --config PATH) --out PATH [--rows N] [--seed S]',
  summary: `Write a seeded synthetic transaction CSV and its .meta.json. Scenarios: ${listScenarios().join(', ')}.`,
  options: {
    scenario: { type: 'string', description: 'a scenario in generator/config/' },
    config: { type: 'string', description: 'a scenario YAML file of your own' },
    out: { type: 'string', description: 'the CSV to write (replaced atomically)' },
    rows: { type: 'string', description: 'number of rows (default: the scenario\'s)' },
    seed: { type: 'string', description: 'random seed (default: the scenario\'s)' },
  },
};

await runCommandLine('generate', spec, async ({ values }) => {
  const scenarioName = optionalString(values, 'scenario');
  const configPath = optionalString(values, 'config');
  if ((scenarioName === undefined) === (configPath === undefined)) throw new UserError('give exactly one of --scenario NAME or --config PATH');
  const outPath = requireString(values, 'out');
  if (!outPath.toLowerCase().endsWith('.csv')) throw new UserError(`--out must name a .csv file, got "${outPath}"`);
  const config = loadScenarioFile(configPath ?? scenarioPath(scenarioName as string));
  const rowsFlag = optionalString(values, 'rows');
  const seedFlag = optionalString(values, 'seed');
  const rows = rowsFlag === undefined ? config.rows : parseIntegerFlag('rows', rowsFlag, { min: 1 });
  const seed = seedFlag === undefined ? config.seed : parseIntegerFlag('seed', seedFlag, { min: 0 });
  const started = performance.now();
  const meta = await generateDataset(config, { rows, seed, outPath });
  const seconds = (performance.now() - started) / 1000;
  process.stderr.write(`generate: ${meta.scenario} seed=${seed} rows=${rows} fraud_rate=${meta.fraud_rate.toFixed(4)} -> ${outPath} (${seconds.toFixed(2)} s)\n`);
});
