import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import type { WatchState } from '../../services/watcher/src/watchState.ts';
import type { WindowRecord } from '../../services/watcher/src/windowTypes.ts';
import { startScript, type BackgroundScript } from '../helpers/backgroundScript.ts';
import { expectOneLineUserError, makeTempDir, REPO_ROOT, runScript, type ScriptResult } from '../helpers/runScript.ts';

/*
 * The watcher as its users run it: the real command over a small generated timeline,
 * every directory in a temporary one. Windows are decided under the event clock (each at
 * its end), so a backlog is judged as it happened.
 */

const WATCH = 'services/watcher/src/watchCli.ts';
const DAY_MS = 86_400_000;
const ROWS_PER_DAY = 400;
const MIN_SAMPLES = 200;
/** Shorter than the timeline: rows leave the label window, and a restart must bring back only those still in it. */
const LABEL_WINDOW_DAYS = 3;
const DAYS = ['2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04', '2026-09-05', '2026-09-06', '2026-09-07', '2026-09-08', '2026-09-09', '2026-09-10'];
const TIMELINE = `name: watcher_e2e
description: ten calm days, labels one to four days late
start: "${DAYS[0]}"
days: ${DAYS.length}
rows_per_day: ${ROWS_PER_DAY}
seed: 5
reference: { scenario: base, rows: 1200 }
label_delay_days: { min: 1, max: 4 }
phases:
  - { from_day: 0, to_day: ${DAYS.length - 1}, scenario: nodrift }
`;

const temp = makeTempDir('watcher');
afterAll(() => temp.cleanup());
const timeline = join(temp.path, 'timeline');
const baseRegistry = join(temp.path, 'registry-v1');
const policyPath = join(temp.path, 'policy.yaml');
const started: BackgroundScript[] = [];
afterAll(() => {
  for (const script of started) script.stop();
});

const ok = (result: ScriptResult): ScriptResult => {
  expect(result.status, result.stderr).toBe(0);
  return result;
};

beforeAll(() => {
  writeFileSync(join(temp.path, 'timeline.yaml'), TIMELINE);
  ok(runScript('generator/src/cli.ts', ['--timeline', join(temp.path, 'timeline.yaml'), '--out', timeline]));
  const policy = parseDocument(readFileSync(join(REPO_ROOT, 'policies/promotion.yaml'), 'utf8'));
  policy.setIn(['drift_policy', 'min_samples'], MIN_SAMPLES);
  policy.setIn(['performance_policy', 'label_window_days'], LABEL_WINDOW_DAYS);
  writeFileSync(policyPath, policy.toString());
  ok(runScript('services/training/src/cli.ts', ['--data', join(timeline, 'reference.csv'), '--registry', baseRegistry, '--model', 'lr']));
  ok(runScript('services/registry/src/cli.ts', ['promote', '1', '--stage', 'Production', '--registry', baseRegistry, '--reason', 'watcher test']));
}, 60_000);

/** A watcher's directories, its own copy of the registry (a window's decision may retrain and promote). */
interface Workspace { root: string; batches: string; predictions: string; labels: string; watch: string; reports: string; registry: string; events: string; approvals: string }

function workspace(name: string): Workspace {
  const root = join(temp.path, name);
  const ws = {
    root, batches: join(root, 'batches'), predictions: join(root, 'predictions'), labels: join(root, 'labels'), watch: join(root, 'watch'), reports: join(root, 'reports'),
    registry: join(root, 'registry'), events: join(root, 'events'), approvals: join(root, 'approvals'),
  };
  mkdirSync(ws.batches, { recursive: true });
  mkdirSync(ws.labels, { recursive: true });
  cpSync(baseRegistry, ws.registry, { recursive: true });
  return ws;
}

const transactionsOf = (day: string) => join(timeline, 'transactions', `${day}.csv`);
const labelFiles = () => readdirSync(join(timeline, 'labels')).sort().map((name) => join(timeline, 'labels', name));

interface EstimateCheckLine { window: string; model_version: number; estimated_auc: number; realised_auc: number | null; error: number | null; rows: number; labelled_rows: number; checked_at: string; reason: string }

function estimateChecks(ws: Workspace): EstimateCheckLine[] {
  const path = join(ws.watch, 'estimate_checks.jsonl');
  return existsSync(path) ? readFileSync(path, 'utf8').trim().split('\n').map((text) => JSON.parse(text) as EstimateCheckLine) : [];
}

function dropDays(ws: Workspace, days: readonly string[]): void {
  for (const day of days) copyFileSync(transactionsOf(day), join(ws.batches, `${day}.csv`));
}

function dropAllLabels(ws: Workspace): void {
  for (const path of labelFiles()) copyFileSync(path, join(ws.labels, path.slice(path.lastIndexOf('/') + 1)));
}

/** Every directory flag given (nothing defaults to shared/); batches unless the prediction log is asked for. */
function watchArgs(ws: Workspace, source: 'batches' | 'predictions', extra: string[]): string[] {
  return [
    ...(source === 'batches' ? ['--batches', ws.batches] : []), '--predictions', ws.predictions, '--labels', ws.labels, '--watch-dir', ws.watch, '--reports', ws.reports,
    '--policy', policyPath, '--registry', ws.registry, '--events', ws.events, '--approvals', ws.approvals, '--clock', 'event', ...extra,
  ];
}

const watchOnce = (ws: Workspace, env: NodeJS.ProcessEnv = {}, source: 'batches' | 'predictions' = 'batches') => runScript(WATCH, watchArgs(ws, source, ['--once']), { env });

function startWatching(ws: Workspace): BackgroundScript {
  const script = startScript(WATCH, watchArgs(ws, 'batches', ['--poll-seconds', '1']));
  started.push(script);
  return script;
}

function windowLines(ws: Pick<Workspace, 'watch'>): WindowRecord[] {
  const path = join(ws.watch, 'windows.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as WindowRecord);
}

const watchState = (ws: Workspace): WatchState => JSON.parse(readFileSync(join(ws.watch, 'state.json'), 'utf8')) as WatchState;
/** Windows the checkpoint counts (none before the first checkpoint). */
const windowsDone = (ws: Workspace): number => (existsSync(join(ws.watch, 'state.json')) ? watchState(ws).windows_done : 0);

/** How many sentinel records each run id has in the audit log: a window decided once has exactly one. */
function sentinelsByRun(ws: Workspace): Record<string, number> {
  const counts: Record<string, number> = {};
  const path = join(ws.events, 'audit.jsonl');
  if (!existsSync(path)) return counts;
  for (const line of readFileSync(path, 'utf8').split('\n').filter((text) => text !== '')) {
    const record = JSON.parse(line) as { kind: string; run_id: string };
    if (record.kind === 'sentinel') counts[record.run_id] = (counts[record.run_id] ?? 0) + 1;
  }
  return counts;
}

/** Each of these windows decided exactly once: one sentinel record per run id, one line each in windows.jsonl, in order, nothing else. */
function expectDecidedOnce(ws: Workspace, windows: readonly string[]): void {
  expect(sentinelsByRun(ws)).toEqual(Object.fromEntries(windows.map((window) => [`window-${window}`, 1])));
  const lines = windowLines(ws);
  expect(lines.map((line) => line.window)).toEqual(windows);
  expect(lines.map((line) => line.run_id)).toEqual(windows.map((window) => `window-${window}`));
  // Decided, not merely recorded: a line written after a restart carries the decision the audit log holds.
  for (const line of lines) expect(line.action, line.window).not.toBeNull();
  expect(watchState(ws)).toMatchObject({ windows_done: windows.length, last_window: windows.at(-1) ?? null });
}

/** A CSV's rows as records of its header (the generated files have no quoted fields). */
function csvRecords(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trimEnd().split('\n') as [string, ...string[]];
  const columns = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, index) => [columns[index] as string, cell])));
}

/**
 * Worked out here from the files, not by the watcher's code: the rows fed whose event time
 * is in the label window ending at `endIso` and whose label (its earliest arrival) had
 * arrived by then.
 */
function expectedLabelled(transactionFiles: readonly string[], labelPaths: readonly string[], endIso: string): number {
  const arrival = new Map<string, number>();
  for (const path of labelPaths) {
    for (const label of csvRecords(path)) {
      const ms = Date.parse(label.label_time as string);
      const known = arrival.get(label.transaction_id as string);
      if (known === undefined || ms < known) arrival.set(label.transaction_id as string, ms);
    }
  }
  const end = Date.parse(endIso);
  let count = 0;
  for (const path of transactionFiles) {
    for (const row of csvRecords(path)) {
      const event = Date.parse(row.event_time as string);
      const labelled = arrival.get(row.transaction_id as string);
      if (event >= end - LABEL_WINDOW_DAYS * DAY_MS && event < end && labelled !== undefined && labelled <= end) count += 1;
    }
  }
  return count;
}

describe('watch --once --clock event over a directory of batches', () => {
  let ws: Workspace;
  beforeAll(() => {
    ws = workspace('once');
    dropDays(ws, DAYS.slice(0, 8));
    dropAllLabels(ws);
  });

  it('decides every closed day, one line each; the last day, still open, is not decided', () => {
    const result = ok(watchOnce(ws));
    expect(result.stderr).toContain('watch: 7 window(s) decided');
    const lines = windowLines(ws);
    expect(lines.map((line) => [line.window, line.start, line.end, line.rows])).toEqual(DAYS.slice(0, 7).map((day, index) => [day, `${day}T00:00:00.000Z`, `${DAYS[index + 1]}T00:00:00.000Z`, ROWS_PER_DAY]));
    expectDecidedOnce(ws, DAYS.slice(0, 7));
    expect(watchState(ws)).toMatchObject({
      source: `batches ${ws.batches} as window`,
      window: 'day',
      position: { kind: 'batches', file: `${DAYS[6]}.csv`, row: ROWS_PER_DAY },
      rows_done: 7 * ROWS_PER_DAY,
      windows_done: 7,
      last_window: DAYS[6],
    });
  });

  it('labelled_rows: the label window\'s rows whose label_time had come by the window\'s end, and the window\'s labelled.csv holds them', () => {
    const fed = DAYS.slice(0, 8).map(transactionsOf);
    const lines = windowLines(ws);
    expect(lines.map((line) => line.labelled_rows)).toEqual(lines.map((line) => expectedLabelled(fed, labelFiles(), line.end)));
    // Not trivially so: no label has come by the first day's end, and some have later.
    expect(lines[0]?.labelled_rows).toBe(0);
    expect(lines.at(-1)?.labelled_rows).toBeGreaterThan(0);
    for (const line of lines) expect(csvRecords(join(ws.watch, 'windows', line.window, 'labelled.csv')), line.window).toHaveLength(line.labelled_rows);
  });

  it('each window carries its estimate (CBPE), checked in estimate_checks.jsonl against its labels: a backlog whose labels are all on disk is checked in the same run', () => {
    const lines = windowLines(ws);
    for (const line of lines) expect(line.estimated_auc, line.window).toBeGreaterThan(0.5);
    const checks = estimateChecks(ws);
    expect(checks.map((check) => check.window)).toEqual(lines.map((line) => line.window));
    for (const check of checks) {
      const line = lines.find((candidate) => candidate.window === check.window) as WindowRecord;
      expect(check).toMatchObject({ model_version: 1, estimated_auc: line.estimated_auc, rows: ROWS_PER_DAY, labelled_rows: ROWS_PER_DAY, reason: 'all_labelled' });
      expect(check.error).toBeCloseTo(check.estimated_auc - (check.realised_auc as number), 12);
      expect(Date.parse(check.checked_at)).toBeGreaterThan(Date.parse(line.end));
    }
  });

  it('running --once again decides nothing new', () => {
    const before = readFileSync(join(ws.watch, 'windows.jsonl'), 'utf8');
    const result = ok(watchOnce(ws));
    expect(result.stderr).toContain('watch: 0 window(s) decided');
    expect(readFileSync(join(ws.watch, 'windows.jsonl'), 'utf8')).toBe(before);
    expectDecidedOnce(ws, DAYS.slice(0, 7));
  });

  it('the next day\'s batch closes the pending day: exactly that one is decided', () => {
    dropDays(ws, [DAYS[8] as string]);
    const result = ok(watchOnce(ws));
    expect(result.stderr).toContain('watch: 1 window(s) decided');
    expectDecidedOnce(ws, DAYS.slice(0, 8));
    expect(windowLines(ws).at(-1)).toMatchObject({ window: DAYS[7], rows: ROWS_PER_DAY, labelled_rows: expectedLabelled(DAYS.slice(0, 9).map(transactionsOf), labelFiles(), `${DAYS[8]}T00:00:00.000Z`) });
    expect(watchState(ws)).toMatchObject({ position: { kind: 'batches', file: `${DAYS[7]}.csv`, row: ROWS_PER_DAY }, rows_done: 8 * ROWS_PER_DAY });
  });

  it('a batch dropped late, named before the batch the checkpoint stands in, is not passed over in silence: its rows are read, or it is quarantined with its reason', () => {
    // Fifty transactions of the eighth day re-sent by the feed, with ids of their own: "2026-09-08-resent.csv" sorts before "2026-09-08.csv".
    const name = `${DAYS[7]}-resent.csv`;
    const [header, ...rows] = readFileSync(transactionsOf(DAYS[7] as string), 'utf8').trimEnd().split('\n') as [string, ...string[]];
    writeFileSync(join(ws.batches, name), `${[header, ...rows.slice(0, 50).map((row) => `resent-${row}`)].join('\n')}\n`);
    dropDays(ws, [DAYS[9] as string]);
    const result = ok(watchOnce(ws));
    const quarantined = existsSync(join(ws.watch, 'quarantine', name));
    const rowsDecided = windowLines(ws).reduce((sum, line) => sum + line.rows, 0);
    expect({ quarantined, rowsDecided }, `${name} was neither read nor quarantined (still in the batches directory: ${String(existsSync(join(ws.batches, name)))}); stderr: ${result.stderr}`)
      .toSatisfy((seen: { quarantined: boolean; rowsDecided: number }) => seen.quarantined || seen.rowsDecided === 9 * ROWS_PER_DAY + 50);
  });
});


describe('a watcher run from cron (--once each day, labels dropped as they come)', () => {
  it('checks each estimate at the run after its labels have all come, although every run stops after its poll', () => {
    const ws = workspace('cron');
    const labelsOf = (day: string) => labelFiles().filter((path) => path.endsWith(`${day}.csv`));
    const days = DAYS.slice(0, 5);
    for (const day of days) {
      dropDays(ws, [day]);
      for (const path of labelsOf(day)) copyFileSync(path, join(ws.labels, path.slice(path.lastIndexOf('/') + 1)));
      ok(watchOnce(ws));
    }
    const lines = windowLines(ws);
    expect(lines).toHaveLength(days.length - 1);
    const checks = estimateChecks(ws);
    // Labels come one to four days late, and the label window is three days: every window but the last few is checked, once.
    expect(checks.length).toBeGreaterThanOrEqual(lines.length - 4);
    expect(checks.length).toBeGreaterThan(0);
    expect(new Set(checks.map((check) => check.window)).size).toBe(checks.length);
    expect(checks.map((check) => check.window)).toEqual(lines.slice(0, checks.length).map((line) => line.window));
    for (const check of checks) expect(check.error === null || Math.abs(check.error) < 0.2, check.window).toBe(true);
  });
});

describe('kill -9 at each moment of a window, then a restart: every window decided exactly once', () => {
  // One watcher's life: each fault in turn kills it on the next window, and a restart without it decides that window.
  const FAULTS = ['watch_before_control', 'watch_after_decision', 'watch_after_record'];
  let ws: Workspace;
  beforeAll(() => {
    ws = workspace('faults');
    dropAllLabels(ws);
    dropDays(ws, DAYS.slice(0, 1));
  });

  FAULTS.forEach((fault, index) => {
    it(fault, () => {
      // The next day's batch closes window DAYS[index].
      dropDays(ws, [DAYS[index + 1] as string]);
      const killed = watchOnce(ws, { DRIFTWATCH_FAULT: fault });
      expect(killed.status, killed.stderr).toBeNull();
      expect(windowsDone(ws)).toBe(index);
      ok(watchOnce(ws));
      const decided = DAYS.slice(0, index + 1);
      expectDecidedOnce(ws, decided);
      expect(watchState(ws)).toMatchObject({ position: { kind: 'batches', file: `${decided.at(-1)}.csv`, row: ROWS_PER_DAY }, rows_done: decided.length * ROWS_PER_DAY });
      // After the second restart the label window's rows come back from the windows decided before it.
      const lines = windowLines(ws);
      expect(lines.map((line) => line.labelled_rows)).toEqual(lines.map((line) => expectedLabelled(DAYS.slice(0, index + 2).map(transactionsOf), labelFiles(), line.end)));
      // Decided as by the watcher that was never killed (the first describe's: the same data, policy and model).
      expect(lines).toEqual(windowLines({ watch: join(temp.path, 'once', 'watch') }).slice(0, decided.length));
    }, 60_000);
  });
});

/** The test policy with every calm window escalated: each run then has an effect (the approval it creates). */
function escalatingPolicy(ws: Workspace): string {
  const path = join(ws.root, 'escalating.yaml');
  const policy = parseDocument(readFileSync(policyPath, 'utf8'));
  policy.setIn(['drift_policy', 'on_none'], parseDocument('{ action: escalate, confidence: 0.9 }').contents);
  writeFileSync(path, policy.toString());
  return path;
}

describe('kill -9 during a window\'s effect (after its intent, before the approval it asks for): the window is decided again, once', () => {
  it('the run cut short leaves no decision; the restart decides the window under its next attempt\'s run id, and settles the intent', () => {
    const ws = workspace('effect-fault');
    dropAllLabels(ws);
    dropDays(ws, DAYS.slice(0, 3));
    // Every window escalates: its run's effect is the approval it creates, written ahead as an intent.
    const escalating = escalatingPolicy(ws);
    const args = (extra: string[]) => watchArgs(ws, 'batches', ['--once', '--policy', escalating, ...extra]);
    const killed = runScript(WATCH, args([]), { env: { DRIFTWATCH_FAULT: 'after_intent' } });
    expect(killed.status, killed.stderr).toBeNull();
    ok(runScript(WATCH, args([])));
    const records = readFileSync(join(ws.events, 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { kind: string; run_id: string; detail: Record<string, unknown> });
    const decisions = records.filter((record) => record.kind === 'sentinel').map((record) => [record.run_id, record.detail.window_id]);
    expect(decisions).toEqual([
      ['window-2026-09-01-attempt2', '2026-09-01'],
      ['window-2026-09-02', '2026-09-02'],
    ]);
    // The first attempt's intent is settled by the next run, not stamped with that run's window.
    const settled = records.find((record) => record.kind === 'outcome' && record.run_id === 'window-2026-09-01');
    expect(settled?.detail).toMatchObject({ reconciled_by: 'window-2026-09-01-attempt2' });
    expect(settled?.detail.window_id).toBeUndefined();
    const lines = windowLines(ws);
    expect(lines.map((line) => [line.window, line.run_id])).toEqual([['2026-09-01', 'window-2026-09-01-attempt2'], ['2026-09-02', 'window-2026-09-02']]);
    expect(lines[0]?.action).toBe('escalate');
    // The latest window is where make control, approvals and the API read: its summary, report and charts (the dashboard's), byte for byte.
    for (const file of ['monitoring_summary.json', 'drift_report.html', 'column_histograms.json']) {
      expect(readFileSync(join(ws.reports, file), 'utf8')).toBe(readFileSync(join(ws.watch, 'windows', '2026-09-02', file), 'utf8'));
    }
  }, 60_000);

  it('an approval the watcher asked for is carried out by `approvals approve` on the latest window', () => {
    const ws = workspace('approve-latest');
    dropAllLabels(ws);
    dropDays(ws, DAYS.slice(0, 2));
    const escalating = escalatingPolicy(ws);
    ok(runScript(WATCH, watchArgs(ws, 'batches', ['--once', '--policy', escalating])));
    const [line] = windowLines(ws);
    expect(line?.outcome).toBe('pending_approval');
    const approvalId = line?.approval?.id as string;
    const approved = runScript('services/control_plane/src/approvalsCli.ts', ['approve', approvalId, '--reason', 'checked by hand', '--summary', join(ws.reports, 'monitoring_summary.json'),
      '--events', ws.events, '--approvals', ws.approvals, '--registry', ws.registry, '--policy', escalating, '--now', line?.end as string]);
    expect(approved.status, approved.stderr).toBe(0);
    expect(approved.stderr).toContain(`${approvalId} approved`);
    expect(JSON.parse(readFileSync(join(ws.approvals, `${approvalId}.json`), 'utf8'))).toMatchObject({ status: 'approved', decided_by: expect.any(String) });
  }, 60_000);
});

describe('a window the monitor cannot judge (the serving model\'s reference changed on disk)', () => {
  it('stops the watcher before that window, with one line and exit 2; once put right, a restart decides it', () => {
    const ws = workspace('reference-changed');
    dropAllLabels(ws);
    dropDays(ws, DAYS.slice(0, 3));
    const reference = join(timeline, 'reference.csv');
    const original = readFileSync(reference);
    try {
      ok(runScript(WATCH, watchArgs(ws, 'batches', ['--once'])));
      expect(windowsDone(ws)).toBe(2);
      dropDays(ws, DAYS.slice(3, 4));
      appendFileSync(reference, readFileSync(reference, 'utf8').split('\n')[1] + '\n');
      const stopped = runScript(WATCH, watchArgs(ws, 'batches', ['--once']));
      expect(stopped.status, stopped.stderr).toBe(2);
      expect(stopped.stderr.trim().split('\n').at(-1)).toMatch(/^watch: error: window 2026-09-03 not judged: .*reference\.csv changed since the registry recorded it \(sha256 \w+, recorded \w+\): it is no longer the serving model's reference$/);
      expect(windowsDone(ws)).toBe(2);
      expect(Object.keys(sentinelsByRun(ws))).toEqual(['window-2026-09-01', 'window-2026-09-02']);
    } finally {
      writeFileSync(reference, original);
    }
    ok(runScript(WATCH, watchArgs(ws, 'batches', ['--once'])));
    expectDecidedOnce(ws, DAYS.slice(0, 3));
  }, 60_000);
});

describe('a window whose own data the monitor refuses (a feature with no value in the whole day)', () => {
  it('is recorded as refused with the reason, and the watcher goes on to the next window', () => {
    const ws = workspace('all-empty');
    dropAllLabels(ws);
    dropDays(ws, DAYS.slice(0, 3));
    // channel is categorical and may be missing (imputed): each row passes the source's check, the day as a whole does not.
    const [header, ...lines] = readFileSync(transactionsOf(DAYS[1] as string), 'utf8').trimEnd().split('\n') as [string, ...string[]];
    const channel = header.split(',').indexOf('channel');
    writeFileSync(join(ws.batches, `${DAYS[1] as string}.csv`), `${[header, ...lines.map((line) => line.split(',').map((cell, index) => (index === channel ? '' : cell)).join(','))].join('\n')}\n`);
    ok(runScript(WATCH, watchArgs(ws, 'batches', ['--once'])));
    const windows = windowLines(ws) as (WindowRecord & { refused?: string })[];
    expect(windows.map((line) => line.window)).toEqual(DAYS.slice(0, 2));
    expect(windows[1]?.refused).toMatch(/^window 2026-09-02 refused by the monitor: .*column "channel" has no values \(all empty\)/);
    expect(windows[0]?.refused).toBeUndefined();
    expect(watchState(ws)).toMatchObject({ windows_done: 2, last_window: DAYS[1] });
  }, 60_000);
});

describe('a window whose control run cannot take the lock (an approval holds it too long)', () => {
  it('stops the watcher before that window, which a restart decides once the lock is free: the window is not passed by as refused', () => {
    const ws = workspace('lock-held');
    dropAllLabels(ws);
    dropDays(ws, DAYS.slice(0, 2));
    mkdirSync(ws.events, { recursive: true });
    // Held by a live process (this test's): the control run waits --lock-timeout, then gives up without writing anything.
    const lock = join(ws.events, '.control.lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, since: new Date().toISOString(), purpose: 'approval apr-x', token: 'held-by-the-test' }));
    const stopped = runScript(WATCH, watchArgs(ws, 'batches', ['--once', '--lock-timeout', '0']));
    expect(stopped.status, stopped.stderr).toBe(2);
    expect(stopped.stderr.trim().split('\n').at(-1)).toMatch(/^watch: error: .*\.control\.lock is held by pid \d+ \(approval apr-x\)/);
    expect(windowsDone(ws)).toBe(0);
    expect(windowLines(ws)).toEqual([]);
    rmSync(lock);
    ok(runScript(WATCH, watchArgs(ws, 'batches', ['--once'])));
    expectDecidedOnce(ws, DAYS.slice(0, 1));
  }, 60_000);
});

describe('a running watcher', () => {
  it('SIGTERM: it finishes the window at hand, exits 0 soon, and leaves a checkpoint a restart goes on from', async () => {
    const ws = workspace('sigterm');
    dropDays(ws, DAYS.slice(0, 6));
    dropAllLabels(ws);
    const watcher = startWatching(ws);
    await watcher.waitForStderr(/watch: window 2026-09-01:/);
    const signalled = Date.now();
    watcher.child.kill('SIGTERM');
    expect(await watcher.exited(15_000), watcher.stderr()).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(10_000);
    expect(watcher.stderr()).toContain('watch: SIGTERM: finishing the window at hand, then stopping');
    // The checkpoint and the log agree, whichever window the signal came in.
    const done = windowLines(ws).length;
    expect(done).toBeGreaterThanOrEqual(1);
    expectDecidedOnce(ws, DAYS.slice(0, done));
    expect(watchState(ws)).toMatchObject({ position: { kind: 'batches', file: `${DAYS[done - 1]}.csv`, row: ROWS_PER_DAY }, rows_done: done * ROWS_PER_DAY });
    ok(watchOnce(ws));
    expectDecidedOnce(ws, DAYS.slice(0, 5));
  });

  it('a second watcher on the same --watch-dir is refused with one line naming the lock; the first goes on, and a SIGTERM while it waits for rows stops it at once', async () => {
    const ws = workspace('two-watchers');
    dropDays(ws, DAYS.slice(0, 3));
    const first = startWatching(ws);
    await first.waitForStderr(/watch: window 2026-09-02:/);
    const refusal = expectOneLineUserError(watchOnce(ws));
    expect(refusal).toContain(`${join(ws.watch, '.watch.lock')} is held by pid ${first.child.pid} (watch batches ${ws.batches})`);
    // The first still watches: a new day is decided by it, not by the refused one.
    dropDays(ws, [DAYS[3] as string]);
    await first.waitForStderr(/watch: window 2026-09-03:/);
    // Nothing more to decide: it is waiting for the next poll.
    await new Promise((resolveLater) => setTimeout(resolveLater, 300));
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    expect(await first.exited(15_000), first.stderr()).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalled).toBeLessThan(5_000);
    expectDecidedOnce(ws, DAYS.slice(0, 3));
  });
});

describe('one run over a messy feed: bad batches, a small day, labels from the future', () => {
  // Days 1, 3, 5 (100 rows only), 6 and 7 are good; day 2 has a non-numeric amount, day 4 no amount column.
  const SMALL = 100;
  let ws: Workspace;
  let result: ScriptResult;
  let badDay2: string;
  let feed: string;
  const fed = () => [DAYS[0], DAYS[2], DAYS[4], DAYS[5], DAYS[6]].map((day) => join(ws.batches, `${day}.csv`));

  beforeAll(() => {
    ws = workspace('messy');
    dropDays(ws, [DAYS[0], DAYS[2], DAYS[5], DAYS[6]] as string[]);
    const [header, ...rows] = readFileSync(transactionsOf(DAYS[1] as string), 'utf8').trimEnd().split('\n') as [string, ...string[]];
    const amount = header.split(',').indexOf('transaction_amount');
    // The fourth row is line 5 of the file.
    badDay2 = `${[header, ...rows.map((row, index) => (index === 3 ? row.split(',').map((cell, column) => (column === amount ? 'abc' : cell)).join(',') : row))].join('\n')}\n`;
    writeFileSync(join(ws.batches, `${DAYS[1]}.csv`), badDay2);
    const withoutAmount = readFileSync(transactionsOf(DAYS[3] as string), 'utf8').trimEnd().split('\n').map((line) => line.split(',').filter((_, column) => column !== amount).join(','));
    writeFileSync(join(ws.batches, `${DAYS[3]}.csv`), `${withoutAmount.join('\n')}\n`);
    writeFileSync(join(ws.batches, `${DAYS[4]}.csv`), `${readFileSync(transactionsOf(DAYS[4] as string), 'utf8').split('\n').slice(0, SMALL + 1).join('\n')}\n`);
    // One label feed: every label of the first day, known only at noon on the third day.
    feed = join(ws.labels, 'chargebacks.csv');
    const firstDay = csvRecords(transactionsOf(DAYS[0] as string));
    writeFileSync(feed, `transaction_id,is_fraud,label_time\n${firstDay.map((row, index) => `${row.transaction_id},${index % 10 === 0 ? 1 : 0},${DAYS[2]}T12:00:00Z\n`).join('')}`);
    result = ok(watchOnce(ws));
  }, 60_000);

  it('a batch with a non-numeric amount, or without a column, is moved to the quarantine with its reason naming the column and the line', () => {
    expect(readdirSync(join(ws.watch, 'quarantine')).sort()).toEqual([`${DAYS[1]}.csv`, `${DAYS[1]}.csv.reason.txt`, `${DAYS[3]}.csv`, `${DAYS[3]}.csv.reason.txt`]);
    expect(readdirSync(ws.batches).sort()).toEqual([DAYS[0], DAYS[2], DAYS[4], DAYS[5], DAYS[6]].map((day) => `${day}.csv`));
    expect(readFileSync(join(ws.watch, 'quarantine', `${DAYS[1]}.csv.reason.txt`), 'utf8')).toBe(`${DAYS[1]}.csv: line 5: column "transaction_amount": "abc" is not a number\n`);
    expect(readFileSync(join(ws.watch, 'quarantine', `${DAYS[3]}.csv.reason.txt`), 'utf8')).toMatch(new RegExp(`^${DAYS[3]}\\.csv: line 1: missing column "transaction_amount"`));
    // Moved as it was.
    expect(readFileSync(join(ws.watch, 'quarantine', `${DAYS[1]}.csv`), 'utf8')).toBe(badDay2);
    expect(result.stderr).toContain(`watch: quarantined ${DAYS[1]}.csv: ${DAYS[1]}.csv: line 5`);
  });

  it('the batches after a bad one are decided; a day with fewer rows than min_samples is carried into the next (window A..B, from A\'s start to B\'s end)', () => {
    expect(SMALL).toBeLessThan(MIN_SAMPLES);
    const spanned = `${DAYS[4]}..${DAYS[5]}`;
    expectDecidedOnce(ws, [DAYS[0], DAYS[2], spanned] as string[]);
    expect(windowLines(ws).map((line) => [line.window, line.start, line.end, line.rows])).toEqual([
      [DAYS[0], `${DAYS[0]}T00:00:00.000Z`, `${DAYS[1]}T00:00:00.000Z`, ROWS_PER_DAY],
      [DAYS[2], `${DAYS[2]}T00:00:00.000Z`, `${DAYS[3]}T00:00:00.000Z`, ROWS_PER_DAY],
      [spanned, `${DAYS[4]}T00:00:00.000Z`, `${DAYS[6]}T00:00:00.000Z`, SMALL + ROWS_PER_DAY],
    ]);
    expect(watchState(ws)).toMatchObject({ position: { kind: 'batches', file: `${DAYS[5]}.csv`, row: ROWS_PER_DAY }, rows_done: 3 * ROWS_PER_DAY + SMALL, last_window: spanned });
  });

  it('a label whose label_time is after a window\'s end is not used for that window; it is for the next, until its row leaves the label window', () => {
    // The first day's rows: not labelled by its end, labelled by the third day's end, out of the label window by the sixth's.
    expect(windowLines(ws).map((line) => line.labelled_rows)).toEqual([0, ROWS_PER_DAY, 0]);
    expect(windowLines(ws).map((line) => line.labelled_rows)).toEqual(windowLines(ws).map((line) => expectedLabelled(fed(), [feed], line.end)));
  });
});

describe('the API\'s prediction log as the source', () => {
  /** A line of predictions-NNNNNN.jsonl as the API writes it (services/api/src/predictionLog.ts PredictionRecord). */
  function predictionLine(row: Record<string, string>, index: number): string {
    const features: Record<string, string | number> = {};
    for (const [column, cell] of Object.entries(row)) features[column] = ['transaction_id', 'event_time', 'merchant_category', 'channel'].includes(column) ? cell : Number(cell);
    return `${JSON.stringify({ request_id: `req-${index}`, time: row.event_time, model_version: 1, features, score: 0.01, label: 0 })}\n`;
  }

  it('decides the windows of the whole lines; a torn last line is not read until its newline comes', () => {
    const ws = workspace('prediction-log');
    dropAllLabels(ws);
    mkdirSync(ws.predictions);
    const rows = DAYS.slice(0, 4).flatMap((day) => csvRecords(transactionsOf(day)));
    const whole = rows.slice(0, 3 * ROWS_PER_DAY).map(predictionLine).join('');
    // The first row of the fourth day, half written: were it read, the third day would close.
    const torn = predictionLine(rows[3 * ROWS_PER_DAY] as Record<string, string>, 3 * ROWS_PER_DAY);
    const log = join(ws.predictions, 'predictions-000000.jsonl');
    writeFileSync(log, whole + torn.slice(0, 40));

    const result = ok(watchOnce(ws, {}, 'predictions'));
    expect(result.stderr).toContain('watch: 2 window(s) decided');
    expect(result.stderr).not.toContain('quarantined');
    expectDecidedOnce(ws, DAYS.slice(0, 2));
    const endOfSecondDay = Buffer.byteLength(rows.slice(0, 2 * ROWS_PER_DAY).map(predictionLine).join(''));
    expect(watchState(ws)).toMatchObject({ source: `prediction log ${ws.predictions} as window`, position: { kind: 'prediction_log', file: 0, offset: endOfSecondDay }, rows_done: 2 * ROWS_PER_DAY });
    const fed = DAYS.slice(0, 4).map(transactionsOf);
    expect(windowLines(ws).map((line) => line.labelled_rows)).toEqual(windowLines(ws).map((line) => expectedLabelled(fed, labelFiles(), line.end)));

    appendFileSync(log, torn.slice(40));
    ok(watchOnce(ws, {}, 'predictions'));
    expectDecidedOnce(ws, DAYS.slice(0, 3));
    expect(windowLines(ws).at(-1)).toMatchObject({ window: DAYS[2], rows: ROWS_PER_DAY });
  });
});
