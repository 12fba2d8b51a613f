import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { DEFAULT_DATASET, loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { optionalString, parseDirectoryFlag, parseIntegerFlag, type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { readPredictionLog } from '../../api/src/index.ts';
import { auditPath } from '../../control_plane/src/index.ts';
import { LABELS_FOLDER, TIMELINE_META_FILE } from '../../../generator/src/index.ts';
import { compareTable, parseLabelFile, phaseFigures, requireWatchableSpec, runTotals, windowsLogPath, type TimelinePhase, type WatchableSpec, type WindowRecord } from '../../watcher/src/index.ts';
import { hasEnded, startScript, stopChild, waitForLine, type StartedChild } from '../../core/src/infrastructure/childProcesses.ts';
import { dayTable, versionsByDay, withHindsight, type ServedPrediction } from './liveSummary.ts';
import { parseSpeed } from './trafficSchedule.ts';
import { openTimeline } from './timelineDays.ts';

const spec: CommandSpec = {
  usage: 'node --import tsx services/traffic/src/liveDemoCli.ts [--timeline NAME|FILE] [--days N] [--speed X|max] [--root DIR]',
  summary: 'make demo-live: the loop with its real pieces. Generates the timeline, trains v1 on its reference and promotes it, starts the API (127.0.0.1, a free port), the watcher on its prediction log (deciding each day at its end), and the traffic player, which POSTs each day to /predict and drops the day\'s arrived labels. When the traffic is played and the watcher has decided every closed day, it stops what it started (also on Ctrl-C) and prints the run as the replay does, with which model version answered each day.',
  options: {
    timeline: { type: 'string', description: 'a timeline in generator/timelines/ or a timeline YAML file', default: 'live' },
    days: { type: 'string', description: 'play the first N days (default: all)' },
    speed: { type: 'string', description: 'the traffic player\'s speed: times real time (43200: a day every 2 s), or max', default: '43200' },
    root: { type: 'string', description: 'the runtime folder (data, registry, events, ... inside)', default: 'shared' },
  },
  exitCodes: { 0: 'the run went through and every action was allowed', 2: 'a piece failed to start or stopped early', 4: 'verify-actions found an unauthorized action', 130: 'interrupted (everything it started was stopped)' },
};

/** How long the watcher may take, after the last day is played, to decide the days that closed. */
const SETTLE_MS = 90_000;

function windowLines(path: string): WindowRecord[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as WindowRecord);
}

/** Every label of the timeline, arrived or not, read as the watcher reads a label file: the truth the hindsight AUC is measured against. */
function truthLabels(timelineDirectory: string, spec: WatchableSpec): Map<string, 0 | 1> {
  const truth = new Map<string, 0 | 1>();
  const directory = join(timelineDirectory, LABELS_FOLDER);
  for (const name of readdirSync(directory).filter((file) => file.endsWith('.csv')).sort()) {
    for (const label of parseLabelFile(readFileSync(join(directory, name), 'utf8'), name, spec)) truth.set(label.id, label.label);
  }
  return truth;
}

await runCommandLine('demo-live', spec, async ({ values }) => {
  const root = resolve(parseDirectoryFlag('root', String(values.root)));
  const timelineArgument = String(values.timeline);
  const timelineName = basename(timelineArgument).replace(/\.ya?ml$/i, '');
  const speed = String(values.speed);
  try {
    parseSpeed(speed);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const daysFlag = optionalString(values, 'days');
  if (daysFlag !== undefined) parseIntegerFlag('days', daysFlag, { min: 2 });
  const dataset = requireWatchableSpec(loadDatasetSpec(DEFAULT_DATASET));
  const at = (part: keyof typeof DEFAULT_PATHS) => join(root, DEFAULT_PATHS[part].replace(/^shared\//, ''));
  const paths = {
    timeline: join(at('timelines'), timelineName), registry: at('registry'), predictions: at('predictions'), reports: at('reports'), events: at('events'),
    approvals: at('approvals'), data: at('data'), labels: at('labels'), watch: at('watch'), replay: at('replay'), policy: DEFAULT_PATHS.policy,
  };
  // A run over another run's files would count its windows, and promote over its registry: one run per root.
  const used = [paths.registry, paths.predictions, paths.watch, paths.events, paths.labels].filter((directory) => existsSync(directory) && readdirSync(directory).length > 0);
  if (used.length > 0) throw new UserError(`--root ${root} already holds a run (${used.map((directory) => basename(directory)).join(', ')}): give an empty --root, or run make demo-live, which empties shared/ first`);
  for (const directory of [paths.labels, paths.reports, paths.data]) mkdirSync(directory, { recursive: true });
  const say = (line: string) => process.stderr.write(`${line}\n`);
  const started: StartedChild[] = [];
  let interrupted = false;
  const stopAll = async () => {
    for (const child of [...started].reverse()) await stopChild(child);
  };
  const interrupt = (signal: string) => {
    if (interrupted) return;
    interrupted = true;
    say(`demo-live: ${signal}: stopping the traffic, the watcher and the API`);
    void stopAll().then(() => process.exit(130));
  };
  process.on('SIGINT', () => interrupt('SIGINT'));
  process.on('SIGTERM', () => interrupt('SIGTERM'));
  /** Interrupted: the signal's handler stops what was started and exits; this flow must not go on meanwhile. */
  const haltIfInterrupted = async (): Promise<void> => {
    if (interrupted) await new Promise<never>(() => {});
  };

  /** A step run to its end; a failure stops everything started and names the step. */
  const step = async (name: string, script: string, args: string[]): Promise<void> => {
    const child = startScript(name, script, args, {}, say);
    started.push(child);
    const code = await child.exited;
    await haltIfInterrupted();
    if (code !== 0) {
      await stopAll();
      throw new UserError(`${name} failed (exit ${code}); see its lines above`);
    }
  };

  const began = performance.now();
  await step('generate', 'generator/src/cli.ts', ['--timeline', timelineArgument, '--out', paths.timeline]);
  const timeline = openTimeline(paths.timeline);
  const days = daysFlag === undefined ? timeline.days : Number(daysFlag);
  if (days > timeline.days) throw new UserError(`--days ${days}: the timeline ${timeline.name} has ${timeline.days} days`);
  await step('train', 'services/training/src/cli.ts', ['--data', join(paths.timeline, 'reference.csv'), '--model', 'lr', '--registry', paths.registry]);
  await step('promote', 'services/registry/src/cli.ts', ['--registry', paths.registry, 'promote', 'latest', '--stage', 'Production', '--reason', 'demo-live: the first model']);

  const api = startScript('api', 'services/api/src/server.ts', [], {
    PORT: '0', HOST: '127.0.0.1', DRIFTWATCH_REGISTRY: paths.registry, DRIFTWATCH_PREDICTIONS: paths.predictions, DRIFTWATCH_REPORTS: paths.reports, DRIFTWATCH_EVENTS: paths.events,
    DRIFTWATCH_APPROVALS: paths.approvals, DRIFTWATCH_DATA: paths.data, DRIFTWATCH_POLICY: paths.policy, DRIFTWATCH_WATCH: paths.watch, DRIFTWATCH_REPLAY: paths.replay,
    // The API looks for a new Production version every second: a day of traffic lasts about two.
    DRIFTWATCH_RELOAD_MS: '1000',
  }, say);
  started.push(api);
  let port: string;
  try {
    port = await waitForLine(api, /listening on http:\/\/127\.0\.0\.1:(\d+)/, 30_000);
  } catch (error) {
    await stopAll();
    throw new UserError(`the API did not start: ${(error as Error).message}`);
  }
  const apiUrl = `http://127.0.0.1:${port}`;
  const watcher = startScript('watch', 'services/watcher/src/watchCli.ts', [
    '--predictions', paths.predictions, '--labels', paths.labels, '--watch-dir', paths.watch, '--reports', paths.reports, '--registry', paths.registry,
    '--events', paths.events, '--approvals', paths.approvals, '--policy', paths.policy, '--clock', 'event', '--poll-seconds', '1',
  ], {}, say);
  started.push(watcher);
  const traffic = startScript('traffic', 'services/traffic/src/trafficCli.ts', ['--timeline', paths.timeline, '--days', String(days), '--speed', speed, '--api', apiUrl, '--labels', paths.labels], {}, say);
  started.push(traffic);
  say(`demo-live: the API (pid ${api.child.pid}) on ${apiUrl}, the watcher (pid ${watcher.child.pid}) on its prediction log, the traffic player (pid ${traffic.child.pid}): ${days} days at ${speed} times real time`);
  // The first of the three to end: the player when the traffic is played, or a piece that died under it.
  const first = await Promise.race([traffic, api, watcher].map((piece) => piece.exited.then((code) => ({ piece, code }))));
  await haltIfInterrupted();
  if (first.piece !== traffic || first.code !== 0) {
    await stopAll();
    throw new UserError(`${first.piece === traffic ? 'the traffic player' : first.piece === api ? 'the API' : 'the watcher'} (pid ${first.piece.child.pid}) ended (${first.code}) before the traffic was played; see its lines above`);
  }

  // The last day stays open (no later traffic closes it): every earlier day is a window to decide.
  const expected = days - 1;
  const deadline = Date.now() + SETTLE_MS;
  while (windowLines(windowsLogPath(paths.watch)).length < expected && Date.now() < deadline && !hasEnded(watcher) && !hasEnded(api)) await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  const died = [watcher, api].find(hasEnded);
  await stopAll();
  await haltIfInterrupted();
  const records = windowLines(windowsLogPath(paths.watch));
  if (died !== undefined && records.length < expected) throw new UserError(`the ${died === api ? 'API' : 'watcher'} (pid ${died.child.pid}) ended (${await died.exited}) with ${records.length} of the ${expected} closed days decided; see its lines above`);
  if (records.length < expected) throw new UserError(`the watcher decided ${records.length} of the ${expected} closed days within ${SETTLE_MS / 1000} s; see its lines above`);

  const predictions: ServedPrediction[] = readPredictionLog(paths.predictions).map((record) => ({
    id: String(record.features[dataset.id] ?? record.request_id),
    eventMs: Date.parse(String(record.features[dataset.time])),
    score: record.score,
    version: record.model_version,
  }));
  const judged = withHindsight(records, predictions, truthLabels(paths.timeline, dataset), timeline.start);
  const meta = JSON.parse(readFileSync(join(paths.timeline, TIMELINE_META_FILE), 'utf8')) as { phases: TimelinePhase[] };
  const phases = meta.phases.filter((phase) => phase.from_day < days).map((phase) => ({ ...phase, to_day: Math.min(phase.to_day, days - 1) }));
  const verify = startScript('verify-actions', 'services/control_plane/src/verifyActionsCli.ts', ['--events', paths.events, '--registry', paths.registry, '--policy', paths.policy], {}, say);
  started.push(verify);
  const verified = await verify.exited;
  await haltIfInterrupted();
  const unauthorized = /(\d+) unauthorized/.exec(verify.stderr());

  process.stdout.write(`\n=== demo-live: ${timeline.name}, ${days} days through the API in ${((performance.now() - began) / 1000).toFixed(1)} s ===\n\n`);
  process.stdout.write(`${dayTable(judged, versionsByDay(predictions, timeline.start))}\n\n`);
  process.stdout.write(`${compareTable([{ label: 'live (policies/promotion.yaml)', totals: runTotals(judged), phases: phaseFigures(judged, phases), unauthorized: unauthorized === null ? null : Number(unauthorized[1]) }])}\n\n`);
  process.stdout.write(`Read: ${windowsLogPath(paths.watch)} (every window), ${auditPath(paths.events)} (every decision), ${paths.predictions}/ (every prediction with its model version).\n`);
  process.stdout.write(root === resolve('shared')
    ? 'Look: make serve, then http://127.0.0.1:8000/ (the timeline, the decisions and the versions of this run).\n'
    : `Look: the dashboard of this run is the API over ${root} (DRIFTWATCH_REGISTRY, DRIFTWATCH_EVENTS, DRIFTWATCH_WATCH, ... pointing inside it; make serve reads shared/).\n`);
  if (verified === 4) process.exitCode = 4;
  else if (verified !== 0) throw new UserError(`verify-actions failed (exit ${verified})`);
});
