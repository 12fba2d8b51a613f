import { hostname } from 'node:os';
import { join } from 'node:path';
import { BUS_VARIABLE } from '../../core/src/domain/busStreams.ts';
import { BusUnavailable, parseBusUrl, RedisBus } from '../../core/src/infrastructure/redisBus.ts';
import { busWatch } from './busWatch.ts';
import { stopWithParent } from '../../core/src/infrastructure/stopWithParent.ts';
import { WATCH_WINDOW_FOLDERS } from '../../core/src/domain/timelineFiles.ts';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { DEFAULT_DATASET, loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { loadPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { optionalString, parseChoiceFlag, parseDirectoryFlag, parseIntegerFlag, type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { actorName } from '../../core/src/infrastructure/runContext.ts';
import { ReferenceProfiles } from '../../monitoring/src/index.ts';
import { ModelRegistry } from '../../registry/src/index.ts';
import { DEFAULT_WATCHER_NAME, watch, type WatchSource } from './watchLoop.ts';
import { DEFAULT_LOCK_TIMEOUT_SECONDS, NOTIFICATION_DRAIN_LIMIT_MS, NotificationDispatcher, type ControlOptions, type ControlOutcome } from '../../control_plane/src/index.ts';
import { requireWatchableSpec } from './windowHeader.ts';
import type { WindowSize } from './windowCutter.ts';

/** A window idle this long with its holder is claimed from it: far longer than a window's decision takes. */
const DEFAULT_CLAIM_IDLE_SECONDS = 60;
/** The longest poll or idle time the flags take: past it Node's timers overflow (2^31 ms), and a day is already no watcher. */
const DAY_SECONDS = 86_400;

const spec: CommandSpec = {
  usage: 'npm run --silent watch -- [--batches DIR | --predictions DIR | --bus redis://HOST:PORT [--consumer NAME] [--claim-idle-seconds N]] [--window-rows N] [--once] [--clock wall|event] [--labels DIR] [--watch-dir DIR] [--dataset NAME|FILE] [--policy PATH] [--registry DIR] [--events DIR] [--approvals DIR]',
  summary: 'Watch the traffic and decide every window: the monitor judges the window against the serving model\'s reference (read once per reference) and the serving model on the label window\'s arrived labels, the control plane decides under the policy with the window id on every record. Checkpointed in DIR/state.json after each window: a restart (also after kill -9) resumes with no window skipped or decided twice. SIGTERM finishes the window at hand. Bad batches are moved to DIR/quarantine with their reason. With --bus (or DRIFTWATCH_BUS), the watcher reads the predictions and labels streams of Redis and decides, in a consumer group with the other watchers, each day window once (see the README\'s scale-out section).',
  options: {
    predictions: { type: 'string', description: 'the API\'s prediction log (the default source)', default: DEFAULT_PATHS.predictions },
    batches: { type: 'string', description: 'watch a directory of dropped CSV batches instead (read in name order)' },
    bus: { type: 'string', description: `watch the bus instead: Redis Streams at redis://HOST:PORT (default: $${BUS_VARIABLE}); labels come from its labels stream` },
    consumer: { type: 'string', description: 'with --bus: this watcher\'s name in the group (default: <host>-<pid>)' },
    'claim-idle-seconds': { type: 'string', description: `with --bus: a window idle this long with another watcher is claimed from it (default ${DEFAULT_CLAIM_IDLE_SECONDS})` },
    'window-rows': { type: 'string', description: 'windows of N rows instead of one day of event time' },
    once: { type: 'boolean', description: 'decide the windows already closed, then exit (for cron)' },
    clock: { type: 'string', description: 'decide at the wall clock (wall) or at each window\'s end (event: a backlog judged as it happened)', default: 'wall' },
    'poll-seconds': { type: 'string', description: 'how often to look for new rows', default: '5' },
    labels: { type: 'string', description: 'labels as they arrive: CSVs of id, label, label_time', default: DEFAULT_PATHS.labels },
    'watch-dir': { type: 'string', description: 'checkpoint, windows and quarantine', default: DEFAULT_PATHS.watch },
    reports: { type: 'string', description: 'the latest window\'s summary and drift report are also put here, where make control, approvals and the API read them', default: DEFAULT_PATHS.reports },
    dataset: { type: 'string', description: 'dataset spec (needs its id and time columns)', default: DEFAULT_DATASET },
    policy: { type: 'string', description: 'policy YAML', default: DEFAULT_PATHS.policy },
    registry: { type: 'string', description: 'registry directory', default: DEFAULT_PATHS.registry },
    events: { type: 'string', description: 'events directory', default: DEFAULT_PATHS.events },
    approvals: { type: 'string', description: 'approvals directory', default: DEFAULT_PATHS.approvals },
    actor: { type: 'string', description: 'who acts (default: $USER)' },
    'lock-timeout': { type: 'string', description: 'seconds a window\'s control run waits for another control run; past it the watcher stops before the window', default: String(DEFAULT_LOCK_TIMEOUT_SECONDS) },
    name: { type: 'string', description: 'the watcher\'s name: run ids <name>-<window>, so watchers of different feeds can share an events folder', default: DEFAULT_WATCHER_NAME },
  },
};

/** A name that makes run ids and stays a plain word: letters, digits, "_" and "-". */
function watcherName(raw: string): string {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(raw)) throw new UserError(`--name must be 1 to 40 letters, digits, "_" or "-", got "${raw}"`);
  return raw;
}

await runCommandLine('watch', spec, async ({ values }) => {
  const dataset = loadDatasetSpec(String(values.dataset));
  requireWatchableSpec(dataset);
  const policyPath = String(values.policy);
  loadPolicy(policyPath);
  const batches = optionalString(values, 'batches');
  const busFlag = optionalString(values, 'bus') ?? (process.env[BUS_VARIABLE] || undefined);
  if (busFlag !== undefined && batches !== undefined) throw new UserError('--bus and --batches: choose one source');
  if (busFlag !== undefined && optionalString(values, 'window-rows') !== undefined) throw new UserError('--window-rows: the bus cuts day windows only (a window of rows would need one count of rows for every watcher)');
  const busOnly = ['consumer', 'claim-idle-seconds'].find((flag) => optionalString(values, flag) !== undefined);
  if (busFlag === undefined && busOnly !== undefined) throw new UserError(`--${busOnly}: only with --bus (or ${BUS_VARIABLE})`);
  const busUrl = busFlag === undefined ? undefined : parseBusUrl(busFlag, optionalString(values, 'bus') === undefined ? BUS_VARIABLE : '--bus');
  const source: WatchSource = batches === undefined ? { kind: 'prediction_log', directory: String(values.predictions) } : { kind: 'batches', directory: batches };
  const rowsFlag = optionalString(values, 'window-rows');
  const size: WindowSize = rowsFlag === undefined ? { kind: 'day' } : { kind: 'rows', rows: parseIntegerFlag('window-rows', rowsFlag, { min: 1 }) };
  const watchDirectory = parseDirectoryFlag('watch-dir', String(values['watch-dir']));
  const registryDirectory = parseDirectoryFlag('registry', String(values.registry));
  if (ModelRegistry.open(registryDirectory).productionVersion() === null) throw new UserError(`no version is in Production in ${registryDirectory}: nothing serves, so there is nothing to watch (make train promote-prod)`);
  let stopping = false;
  let wake: (() => void) | undefined;
  const stop = (signal: string) => {
    if (!stopping) process.stderr.write(`watch: ${signal}: finishing the window at hand, then stopping\n`);
    stopping = true;
    wake?.();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  stopWithParent(stop);
  // Deliveries run while the next windows are judged; a window's decision never waits for one.
  const notifications = new NotificationDispatcher({ report: (line) => process.stderr.write(`watch: ${line}\n`) });
  const common = {
    context: {
      dataset,
      policyPath,
      registryDirectory,
      eventsDirectory: parseDirectoryFlag('events', String(values.events)),
      approvalsDirectory: parseDirectoryFlag('approvals', String(values.approvals)),
      windowsDirectory: join(watchDirectory, WATCH_WINDOW_FOLDERS),
      profiles: new ReferenceProfiles(),
      actor: actorName(optionalString(values, 'actor')),
      htmlReport: true,
      lockTimeoutMs: parseIntegerFlag('lock-timeout', String(values['lock-timeout']), { min: 0 }) * 1000,
      notify: (outcome: ControlOutcome, options: ControlOptions) => notifications.send(outcome, options),
    },
    watchDirectory,
    reportsDirectory: parseDirectoryFlag('reports', String(values.reports)),
    clock: parseChoiceFlag('clock', String(values.clock), ['wall', 'event'] as const),
    once: values.once === true,
    name: watcherName(String(values.name)),
    pollMs: parseIntegerFlag('poll-seconds', String(values['poll-seconds']), { min: 1, max: DAY_SECONDS }) * 1000,
    log: (line: string) => process.stderr.write(`${line}\n`),
    stopRequested: () => stopping,
    sleep: (ms: number) => new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }),
  };
  const claimIdleMs = parseIntegerFlag('claim-idle-seconds', optionalString(values, 'claim-idle-seconds') ?? String(DEFAULT_CLAIM_IDLE_SECONDS), { min: 1, max: DAY_SECONDS }) * 1000;
  const consumer = optionalString(values, 'consumer') ?? `${hostname()}-${process.pid}`;
  if (!/^[\w.:-]{1,80}$/.test(consumer)) throw new UserError(`--consumer must be 1 to 80 letters, digits, ".", ":", "_" or "-", got "${consumer}"`);
  let decided: number;
  const bus = busUrl === undefined ? undefined : new RedisBus(busUrl, `driftwatch-watch-${consumer}`);
  try {
    if (bus === undefined) {
      decided = await watch({ ...common, source, labelsDirectory: String(values.labels), size });
    } else {
      await bus.connect().catch((error: unknown) => {
        throw error instanceof BusUnavailable ? new UserError(error.message) : error;
      });
      decided = await busWatch({ ...common, bus, consumer, claimIdleMs });
    }
  } finally {
    await bus?.close();
    // Deliveries under way end (each bounded by its target's timeout and retries) before the process does, also when the watcher stops on an error.
    await notifications.drain(NOTIFICATION_DRAIN_LIMIT_MS);
  }
  process.stderr.write(`watch: ${decided} window(s) decided${bus === undefined ? `; checkpoint ${join(watchDirectory, 'state.json')}` : ` on the bus (${consumer})`}\n`);
});
