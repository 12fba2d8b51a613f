import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { DEFAULT_DATASET, loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { optionalString, parseDirectoryFlag, parseIntegerFlag, type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { stopWithParent } from '../../core/src/infrastructure/stopWithParent.ts';
import { requireWatchableSpec } from '../../watcher/src/index.ts';
import { pause, postBatch, PredictRefused } from './predictClient.ts';
import { batchDueMs, batchRanges, dayWallMs, labelsDueMs, parseSpeed } from './trafficSchedule.ts';
import { arrivedLabelEntries, dayDate, dayTransactions, dropArrivedLabels, openTimeline } from './timelineDays.ts';
import { BUS_STREAMS, BUS_VARIABLE } from '../../core/src/domain/busStreams.ts';
import { BusUnavailable, parseBusUrl, RedisBus } from '../../core/src/infrastructure/redisBus.ts';

/** About 15 s of a Redis outage, as a batch the API answers 503 is tried again. */
const LABEL_ATTEMPTS = 15;

const spec: CommandSpec = {
  usage: 'npm run --silent traffic -- --timeline NAME|DIR [--days N] [--speed X|max] [--api URL] [--batch N] [--labels DIR | --bus redis://HOST:PORT] [--dataset NAME|FILE]',
  summary: 'Play a generated timeline (make gen-timeline) into a running API: each day\'s transactions are POSTed to /predict in batches, spread over the day\'s share of wall time at --speed times real time, and when the day has been played the labels that arrived that day are dropped into --labels, where the watcher finds them (with --bus or DRIFTWATCH_BUS: appended to the bus\'s labels stream). Prints a line per day with the model versions that answered.',
  options: {
    timeline: { type: 'string', description: 'a timeline generated into shared/timelines/NAME, or its folder' },
    days: { type: 'string', description: 'play the first N days (default: all)' },
    speed: { type: 'string', description: 'how many times faster than real time (43200: a simulated day every 2 s), or max', default: '43200' },
    api: { type: 'string', description: 'the API\'s base URL', default: 'http://127.0.0.1:8000' },
    batch: { type: 'string', description: 'transactions per /predict request (1 to 1000)', default: '250' },
    labels: { type: 'string', description: 'where the arrived labels are dropped', default: DEFAULT_PATHS.labels },
    bus: { type: 'string', description: `append the arrived labels to the bus's ${BUS_STREAMS.labels} stream instead (default: $${BUS_VARIABLE})` },
    dataset: { type: 'string', description: 'dataset spec of the timeline', default: DEFAULT_DATASET },
  },
  exitCodes: { 0: 'every day played', 2: 'bad flags or timeline, or the API refused a batch or could not be reached', 130: 'stopped by a signal before every day was played' },
};

await runCommandLine('traffic', spec, async ({ values }) => {
  const name = optionalString(values, 'timeline');
  if (name === undefined) throw new UserError('--timeline is required (a name in shared/timelines/ or a folder)');
  const labelsDirectory = parseDirectoryFlag('labels', String(values.labels));
  const timeline = openTimeline(name.includes('/') ? resolve(name) : join(DEFAULT_PATHS.timelines, name));
  const days = optionalString(values, 'days') === undefined ? timeline.days : parseIntegerFlag('days', String(values.days), { min: 1 });
  if (days > timeline.days) throw new UserError(`--days ${days}: the timeline ${timeline.name} has ${timeline.days} days`);
  let speed;
  try {
    speed = parseSpeed(String(values.speed));
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  const batchSize = parseIntegerFlag('batch', String(values.batch), { min: 1 });
  if (batchSize > 1000) throw new UserError(`--batch ${batchSize}: the API takes at most 1000 transactions a request`);
  const apiUrl = String(values.api).replace(/\/+$/, '');
  if (!URL.canParse(apiUrl) || !/^https?:$/.test(new URL(apiUrl).protocol)) throw new UserError(`--api: "${apiUrl}" is not an http(s) URL`);
  const busFlag = optionalString(values, 'bus') ?? (process.env[BUS_VARIABLE] || undefined);
  const bus = busFlag === undefined ? undefined : new RedisBus(parseBusUrl(busFlag, optionalString(values, 'bus') === undefined ? BUS_VARIABLE : '--bus'), 'driftwatch-traffic');
  if (bus === undefined) mkdirSync(labelsDirectory, { recursive: true });
  const spec = requireWatchableSpec(loadDatasetSpec(String(values.dataset)));
  const dayMs = dayWallMs(speed);
  const started = performance.now();
  // A signal ends the wait for the next batch and the request under way at once, whatever the speed.
  const stopped = new AbortController();
  const waitUntil = async (dueMs: number): Promise<void> => {
    const wait = dueMs - (performance.now() - started);
    if (wait > 0 && !stopped.signal.aborted) await pause(wait, stopped.signal);
  };
  const stop = (reason: string) => {
    if (!stopped.signal.aborted) process.stderr.write(`traffic: ${reason}: stopping\n`);
    stopped.abort();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  stopWithParent(stop);
  const stopping = () => stopped.signal.aborted;
  if (bus !== undefined) {
    await bus.connect().catch((error: unknown) => {
      throw error instanceof BusUnavailable ? new UserError(error.message) : error;
    });
  }
  /** The day's labels on the bus, tried again through an outage as a refused batch is (a label sent twice is kept once). */
  const appendLabels = async (connected: RedisBus, entries: Record<string, string>[], date: string): Promise<string> => {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await connected.appendAll(BUS_STREAMS.labels, entries);
        return `${entries.length} labels of ${date} appended to ${BUS_STREAMS.labels}`;
      } catch (error) {
        if (!(error instanceof BusUnavailable) || attempt >= LABEL_ATTEMPTS || stopping()) throw error instanceof BusUnavailable ? new UserError(error.message) : error;
        await pause(1000, stopped.signal);
      }
    }
  };
  let sent = 0;
  try {
    for (let day = 0; day < days && !stopping(); day += 1) {
      const date = dayDate(timeline, day);
      const transactions = dayTransactions(timeline, day, spec);
      const ranges = batchRanges(transactions.length, batchSize);
      const versions = new Map<number, number>();
      for (const [index, range] of ranges.entries()) {
        await waitUntil(batchDueMs(day, index, ranges.length, dayMs));
        if (stopping()) break;
        let answer;
        try {
          answer = await postBatch(apiUrl, transactions.slice(range.start, range.end), `${date}.csv rows ${range.start + 1}-${range.end}`, stopped.signal);
        } catch (error) {
          if (stopping()) break;
          if (error instanceof PredictRefused) throw new UserError(error.message);
          throw error;
        }
        for (const prediction of answer.predictions) versions.set(prediction.model_version, (versions.get(prediction.model_version) ?? 0) + 1);
        sent += answer.predictions.length;
      }
      if (stopping()) break;
      await waitUntil(labelsDueMs(day, dayMs));
      if (stopping()) break;
      let labels: string | null;
      if (bus === undefined) {
        const dropped = dropArrivedLabels(timeline, day, labelsDirectory);
        labels = dropped === null ? null : `labels ${dropped} dropped`;
      } else {
        const entries = arrivedLabelEntries(timeline, day, spec);
        labels = entries === null ? null : await appendLabels(bus, entries, date);
      }
      const byVersion = [...versions].sort(([a], [b]) => a - b).map(([version, count]) => `v${version} ${count}`).join(', ');
      process.stderr.write(`traffic: day ${day} ${date}: ${transactions.length} predictions (${byVersion || 'none'})${labels === null ? '' : `; ${labels}`}\n`);
    }
  } finally {
    // An open connection would keep the player alive after an error.
    await bus?.close();
  }
  process.stderr.write(`traffic: ${sent} predictions sent in ${((performance.now() - started) / 1000).toFixed(1)} s${stopping() ? ' (stopped before the last day was played)' : ''}\n`);
  // Stopped early is not "every day played": whoever started the player must not read it as done.
  if (stopping()) process.exitCode = 130;
});
