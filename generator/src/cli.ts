import { optionalString, parseIntegerFlag, requireString, type CommandSpec, runCommandLine } from '../../services/core/src/infrastructure/cliArgs.ts';
import { UserError } from '../../services/core/src/infrastructure/errors.ts';
import { generateDataset } from './generateDataset.ts';
import { listScenarios, loadScenarioFile, scenarioPath } from './scenarioConfig.ts';
import { generateTimeline } from './generateTimeline.ts';
import { listTimelines, loadTimeline } from './timelineFile.ts';

const spec: CommandSpec = {
  usage: 'npm run --silent generate -- (--scenario NAME | --config PATH) --out PATH [--rows N] [--seed S]\n       npm run --silent generate -- --timeline NAME|FILE --out DIR',
  summary: `Write a seeded synthetic transaction CSV and its .meta.json; or a timeline: one transactions file per day, the labels by arrival day, timeline.meta.json. Scenarios: ${listScenarios().join(', ')}. Timelines: ${listTimelines().join(', ')}.`,
  options: {
    timeline: { type: 'string', description: 'a timeline in generator/timelines/ or a timeline YAML file (then --out is a directory)' },
    scenario: { type: 'string', description: 'a scenario in generator/config/' },
    config: { type: 'string', description: 'a scenario YAML file of your own' },
    out: { type: 'string', description: 'the CSV to write (replaced atomically)' },
    rows: { type: 'string', description: 'number of rows (default: the scenario\'s)' },
    seed: { type: 'string', description: 'random seed (default: the scenario\'s)' },
  },
};

async function writeTimeline(nameOrFile: string, outDirectory: string): Promise<void> {
  const timeline = loadTimeline(nameOrFile);
  const started = performance.now();
  const meta = await generateTimeline(timeline, outDirectory);
  const rows = meta.day_summaries.reduce((sum, day) => sum + day.rows, 0);
  process.stderr.write(`generate: timeline ${meta.timeline} seed=${meta.seed} days=${meta.days} rows=${rows} label files=${Object.keys(meta.files).filter((path) => path.startsWith('labels/')).length} -> ${outDirectory} (${((performance.now() - started) / 1000).toFixed(2)} s)\n`);
}

await runCommandLine('generate', spec, async ({ values }) => {
  const timelineName = optionalString(values, 'timeline');
  if (timelineName !== undefined) {
    for (const flag of ['scenario', 'config', 'rows', 'seed']) if (optionalString(values, flag) !== undefined) throw new UserError(`--timeline takes no --${flag} (the timeline file says it)`);
    await writeTimeline(timelineName, requireString(values, 'out'));
    return;
  }
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
