import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { LABELS_FOLDER, labelsFile, TIMELINE_META_FILE, transactionsFile, TRANSACTIONS_FOLDER } from './timelineLayout.ts';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { UserError } from '../../services/core/src/infrastructure/errors.ts';
import { pidExists } from '../../services/core/src/infrastructure/fileLock.ts';
import seedrandom from 'seedrandom';
import { canonicalJson, sha256Hex } from '../../services/core/src/infrastructure/fileHash.ts';
import { jsonFileText } from '../../services/core/src/infrastructure/atomicWrite.ts';
import { formatCsvLine } from '../../services/core/src/infrastructure/csv/csvFormat.ts';
import { GENERATOR_VERSION, generateDataset } from './generateDataset.ts';
import { FRAUD_COLUMNS, ID_COLUMN, LABEL_COLUMN, type Transaction } from './transactionColumns.ts';
import { transactionCsvLine } from './transactionCsvLine.ts';
import { createTransactionSampler } from './transactionSampler.ts';
import type { Timeline } from './timelineFile.ts';
import type { DayLayer } from './timelineDays.ts';
import { formatUtcSeconds } from './utcTimestamp.ts';

/** The labels' file columns: which transaction, its label, and when the label became known. */
export const LABEL_TIME_COLUMN = 'label_time';
export const TRANSACTION_COLUMNS = FRAUD_COLUMNS.filter((column) => column !== LABEL_COLUMN);

export interface TimelineMeta {
  generator_version: number;
  timeline: string;
  description: string | null;
  seed: number;
  start: string;
  days: number;
  rows_per_day: number;
  label_delay_days: { min: number; max: number };
  /** volume: the phase's rows per day over base's; null when it keeps the day's volume. */
  phases: { from_day: number; to_day: number; scenario: string; ramp_days: number; volume: number | null; config_sha256: string }[];
  reference: { path: string; scenario: string; rows: number; sha256: string };
  /** Per day: its date, rows, positive rate, and the phases that made it with their weights. */
  day_summaries: { day: number; date: string; rows: number; fraud_rate: number; layers: DayLayer[]; config_sha256: string }[];
  /** Every file written, relative to the output directory, with its sha256. */
  files: Record<string, string>;
}

interface PendingLabel { id: string; label: 0 | 1; ms: number; text: string }

const DAY_SECONDS = 86_400;

/** A transaction's line without its label: the traffic as it arrives, before anyone knows. */
function unlabelledLine(transaction: Transaction): string {
  const line = transactionCsvLine(transaction);
  return `${line.slice(0, line.lastIndexOf(','))}\n`;
}

/**
 * The reference is the traffic of the days just before the timeline, at the timeline's
 * daily volume: spread over its scenario's own span instead (base: 28 days), 5,000 rows
 * would look like a tenth of the daily volume, and every day of the timeline like a surge.
 */
export function referenceConfig(timeline: Timeline): Timeline['reference'] {
  const days = Math.max(1, Math.round(timeline.file.reference.rows / timeline.file.rows_per_day));
  const start = new Date(Date.parse(`${timeline.file.start}T00:00:00Z`) - days * DAY_SECONDS * 1000).toISOString().slice(0, 10);
  return { ...timeline.reference, time: { start, days } };
}

/**
 * Write the timeline into `outDirectory`: the reference, one transactions file per day,
 * one labels file per arrival day, and timeline.meta.json. Everything is written into a
 * sibling directory first and swapped in whole, so a failed or interrupted run leaves the
 * previous output as it was. Each day draws from its own seeded stream.
 */
export async function generateTimeline(timeline: Timeline, out: string): Promise<TimelineMeta> {
  const { file } = timeline;
  const outDirectory = resolve(out);
  refuseForeignOutput(outDirectory, timeline.source);
  removeAbandonedStaging(outDirectory);
  const staging = `${outDirectory}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, TRANSACTIONS_FOLDER), { recursive: true });
  mkdirSync(join(staging, LABELS_FOLDER), { recursive: true });
  const files: Record<string, string> = {};
  try {
    const referenceMeta = await generateDataset(referenceConfig(timeline), { rows: file.reference.rows, seed: file.seed, outPath: join(staging, 'reference.csv') });
    files['reference.csv'] = referenceMeta.sha256;
    files['reference.meta.json'] = sha256Hex(readFileSync(join(staging, 'reference.meta.json')));

    const labelsByDate = new Map<string, PendingLabel[]>();
    const labelHeader = formatCsvLine([ID_COLUMN, LABEL_COLUMN, LABEL_TIME_COLUMN]);
    const flushLabels = (due: (date: string) => boolean) => {
      for (const date of [...labelsByDate.keys()].sort()) {
        if (!due(date)) continue;
        const pending = (labelsByDate.get(date) as PendingLabel[]).sort((a, b) => a.ms - b.ms || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        const content = labelHeader + pending.map((label) => `${label.id},${label.label},${label.text}\n`).join('');
        const relative = labelsFile(date);
        writeFileSync(join(staging, relative), content);
        files[relative] = sha256Hex(content);
        labelsByDate.delete(date);
      }
    };
    const transactionHeader = formatCsvLine(TRANSACTION_COLUMNS);
    const daySummaries: TimelineMeta['day_summaries'] = [];
    for (const day of timeline.days) {
      const next = createTransactionSampler(day.config, seedrandom.alea(`${file.seed}:day:${day.date}`));
      const drawn = Array.from({ length: day.rows }, next);
      // The day's traffic in event order (stable), as a feed would deliver it.
      const order = drawn.map((transaction, index) => ({ transaction, index, ms: Date.parse(transaction.event_time) }))
        .sort((a, b) => a.ms - b.ms || a.index - b.index);
      const delayRng = seedrandom.alea(`${file.seed}:labels:${day.date}`);
      const { min, max } = file.label_delay_days;
      let positives = 0;
      const lines: string[] = [transactionHeader];
      for (const { transaction, ms } of order) {
        lines.push(unlabelledLine(transaction));
        positives += transaction.is_fraud;
        const labelMs = ms + Math.round((min + delayRng() * (max - min)) * DAY_SECONDS) * 1000;
        const text = formatUtcSeconds(labelMs);
        const arrival = text.slice(0, 10);
        const pending = labelsByDate.get(arrival) ?? [];
        pending.push({ id: transaction[ID_COLUMN], label: transaction.is_fraud, ms: labelMs, text });
        labelsByDate.set(arrival, pending);
      }
      const content = lines.join('');
      const relative = transactionsFile(day.date);
      writeFileSync(join(staging, relative), content);
      files[relative] = sha256Hex(content);
      daySummaries.push({ day: day.day, date: day.date, rows: day.rows, fraud_rate: positives / day.rows, layers: day.layers, config_sha256: sha256Hex(canonicalJson(day.config)) });
      // Labels arrive at or after their event: those arriving by this day are all known now, and leave memory.
      flushLabels((date) => date <= day.date);
    }
    flushLabels(() => true);

    const meta: TimelineMeta = {
      generator_version: GENERATOR_VERSION,
      timeline: file.name,
      description: file.description ?? null,
      seed: file.seed,
      start: file.start,
      days: file.days,
      rows_per_day: file.rows_per_day,
      label_delay_days: file.label_delay_days,
      phases: timeline.phases.map((phase) => ({ from_day: phase.from_day, to_day: phase.to_day, scenario: phase.config.name, ramp_days: phase.ramp_days, volume: phase.volume ?? null, config_sha256: sha256Hex(canonicalJson(phase.config)) })),
      reference: { path: 'reference.csv', scenario: timeline.reference.name, rows: file.reference.rows, sha256: referenceMeta.sha256 },
      day_summaries: daySummaries,
      files,
    };
    writeFileSync(join(staging, TIMELINE_META_FILE), jsonFileText(meta));
    swapIn(staging, outDirectory);
    return meta;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * The output directory is replaced whole: refuse anything that is not an earlier timeline
 * output (a file, a folder of the user's, the folder holding the timeline), so nothing of
 * theirs is deleted.
 */
function refuseForeignOutput(outDirectory: string, timelineSource: string): void {
  if (!existsSync(outDirectory)) return;
  if (!statSync(outDirectory).isDirectory()) throw new UserError(`--out ${outDirectory}: is a file; give a directory for the timeline (it is replaced whole)`);
  const entries = readdirSync(outDirectory);
  const earlierOutput = entries.includes(TIMELINE_META_FILE);
  const holdsTimeline = resolve(timelineSource).startsWith(`${outDirectory}${sep}`);
  if ((entries.length > 0 && !earlierOutput) || holdsTimeline) {
    throw new UserError(`--out ${outDirectory}: holds other files${holdsTimeline ? ' (the timeline itself)' : ''} and no timeline.meta.json; it would be replaced whole: give a new or an earlier output directory`);
  }
}

/** Staging directories of runs that died (interrupted): their process is gone, so nobody will swap them in. */
function removeAbandonedStaging(outDirectory: string): void {
  const parent = dirname(outDirectory);
  if (!existsSync(parent)) return;
  const prefix = `${basename(outDirectory)}.partial-`;
  for (const entry of readdirSync(parent)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length));
    if (!Number.isInteger(pid) || pid === process.pid || pidExists(pid)) continue;
    rmSync(join(parent, entry), { recursive: true, force: true });
  }
}

/** Replace the output directory by the staged one; the old one is removed only once the new one is in place. */
function swapIn(staging: string, outDirectory: string): void {
  const old = `${outDirectory}.old-${process.pid}`;
  const hadOld = existsSync(outDirectory);
  if (hadOld) renameSync(outDirectory, old);
  renameSync(staging, outDirectory);
  if (hadOld) rmSync(old, { recursive: true, force: true });
}
