import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseDocument } from 'yaml';
import type { TimelineMeta } from '../../generator/src/index.ts';
import type { WindowRecord } from '../../services/watcher/src/windowTypes.ts';
import { expectOneLineUserError, makeTempDir, REPO_ROOT, runScript, runScriptAsync, type ScriptResult } from '../helpers/runScript.ts';

/*
 * The replay as a user runs it: the real CLI over a small two-week timeline (feature drift
 * ramping in, a black-friday surge, concept drift at the end), on a policy that retrains on
 * 300 labelled rows of a 7-day label window. Every replay writes into a temporary folder.
 */

const REPLAY = 'services/watcher/src/replayCli.ts';
const GENERATE = 'generator/src/cli.ts';
const DAY_MS = 86_400_000;
const DAYS = 14;
const LABEL_WINDOW_DAYS = 7;
const START = '2024-02-22';

const TIMELINE = `name: fortnight
description: two weeks across a leap day; feature drift from day 5, a surge on day 8, concept drift from day 10
start: "${START}"
days: ${DAYS}
rows_per_day: 500
seed: 17
reference: { scenario: base, rows: 1500 }
label_delay_days: { min: 1, max: 5 }
phases:
  - { from_day: 0, to_day: 13, scenario: nodrift }
  - { from_day: 5, to_day: 13, scenario: drift_feature, ramp_days: 2 }
  - { from_day: 8, to_day: 8, scenario: shock_black_friday, overrides: { rows: 1400 } }
  - { from_day: 10, to_day: 13, scenario: drift_concept }
`;

/** Every field of a line of timeline.jsonl: a field added to WindowRecord fails to compile here until it is listed. */
const WINDOW_RECORD_FIELDS: Record<keyof WindowRecord, true> = {
  window: true, day: true, start: true, end: true, rows: true, labelled_rows: true, drift_share: true, drifted_columns: true,
  severity: true, incident: true, action: true, outcome: true, guardrail_skips: true, confidence: true, serving_version: true,
  serving_version_after: true, hindsight_auc: true, known_auc: true, estimated_auc: true, estimate_check: true, approval: true, run_id: true,
};

/** What the tests read of summary.json. */
interface ReplaySummary {
  timeline: { name: string; start: string; days: number; directory: string; phases: unknown[] };
  approvals: string;
  generated_at: string;
  policies: { label: string; path: string; unauthorized_actions: number }[];
  runs: { label: string; totals: { windows: number; autonomy_rate: number | null; approvals_asked: number; executed_actions: number }; phases: { scenario: string; from_day: number; to_day: number }[] }[];
}

interface AuditRecord { time: string; run_id: string; kind: string; detail: { window_id?: string } }
interface ApprovalFile { id: string; run_id: string; status: string; executed_run_id: string | null }
interface RegistryEvent { time: string; run_id: string }

const temp = makeTempDir('replay-e2e');
afterAll(() => temp.cleanup());

const timelineFile = join(temp.path, 'fortnight.yaml');
writeFileSync(timelineFile, TIMELINE);
/** Generated once by the generator's own CLI: the replays that do not test generation read it with --timeline-dir. */
const timelineData = join(temp.path, 'fortnight-data');

/** A copy of the shipped policy with `edits` (key path -> value) applied, comments kept. */
function policyCopy(name: string, edits: readonly [readonly string[], unknown][]): string {
  const document = parseDocument(readFileSync(join(REPO_ROOT, 'policies/promotion.yaml'), 'utf8'));
  for (const [path, value] of edits) document.setIn(path, value);
  mkdirSync(join(temp.path, 'policies'), { recursive: true });
  const path = join(temp.path, 'policies', name);
  writeFileSync(path, String(document));
  return path;
}

/** Retrain on 300 labelled rows of a 7-day label window: a two-week timeline has room to act. */
const FORTNIGHT_EDITS: [string[], unknown][] = [[['retrain', 'min_labeled_rows'], 300], [['performance_policy', 'label_window_days'], LABEL_WINDOW_DAYS]];
const policyPath = policyCopy('fortnight_policy.yaml', FORTNIGHT_EDITS);
const eagerPath = policyCopy('eager.yaml', FORTNIGHT_EDITS);
const cautiousPath = policyCopy('cautious.yaml', [...FORTNIGHT_EDITS, [['autonomy', 'min_confidence'], 0.99]]);
const POLICY_LABEL = 'fortnight_policy';
const BASELINE_LABELS = ['never', 'every_window'];

const out = {
  first: join(temp.path, 'replay-first'),
  second: join(temp.path, 'replay-second'),
  rejected: join(temp.path, 'replay-reject'),
  late: join(temp.path, 'replay-after-2d'),
  compared: join(temp.path, 'replay-compare'),
};
const results: Partial<Record<keyof typeof out, ScriptResult>> = {};

function resultOf(name: keyof typeof out): ScriptResult {
  const result = results[name];
  if (result === undefined) throw new Error(`the ${name} replay did not run`);
  return result;
}

function readJsonLines<T>(path: string): T[] {
  return readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as T);
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function approvalsOf(replay: string, label: string): ApprovalFile[] {
  const directory = join(replay, 'runs', label, 'approvals');
  return readdirSync(directory).filter((name) => name.endsWith('.json')).sort().map((name) => readJson<ApprovalFile>(join(directory, name)));
}

/** Every file under `directory` (relative paths); none when it does not exist. */
function filesUnder(directory: string): string[] {
  if (!existsSync(directory)) return [];
  return readdirSync(directory, { recursive: true, withFileTypes: true }).filter((entry) => !entry.isDirectory()).map((entry) => relative(directory, join(entry.parentPath, entry.name))).sort();
}

/** The run labels of the comparison table: its first line. */
function tableLabels(stdout: string): string[] {
  return (stdout.split('\n')[0] as string).trim().split(/\s+/);
}

const dateOfDay = (day: number) => new Date(Date.parse(`${START}T00:00:00Z`) + day * DAY_MS).toISOString().slice(0, 10);
const csvRows = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').slice(1).map((line) => line.split(','));
const utcMs = (text: string) => Date.parse(text.endsWith('Z') ? text : `${text}Z`);

beforeAll(async () => {
  const generated = runScript(GENERATE, ['--timeline', timelineFile, '--out', timelineData]);
  expect(generated.status, generated.stderr).toBe(0);
  const fromFile = ['--timeline', timelineFile, '--policy', policyPath];
  const fromData = ['--timeline-dir', timelineData, '--policy', policyPath];
  // Two cores: two replays at a time.
  const runs: [keyof typeof out, string[]][] = [
    ['first', [...fromFile, '--out', out.first]],
    ['second', [...fromFile, '--out', out.second]],
    ['rejected', [...fromData, '--approvals', 'reject', '--out', out.rejected]],
    ['late', [...fromData, '--approvals', 'after:2d', '--out', out.late]],
    ['compared', ['--timeline-dir', timelineData, '--out', out.compared, '--compare', eagerPath, cautiousPath]],
  ];
  for (let index = 0; index < runs.length; index += 2) {
    await Promise.all(runs.slice(index, index + 2).map(async ([name, args]) => {
      results[name] = await runScriptAsync(REPLAY, args);
    }));
  }
}, 180_000);

describe('replay --timeline FILE --policy P --out DIR (real CLI)', () => {
  it('exits 0 and writes the timeline, the summary, the report, the policy\'s run and both baselines', () => {
    const result = resultOf('first');
    expect(result.status, result.stderr).toBe(0);
    for (const file of ['timeline.jsonl', 'summary.json', 'replay.html', 'baselines/never.jsonl', 'baselines/every_window.jsonl', `runs/${POLICY_LABEL}/events/audit.jsonl`, `runs/${POLICY_LABEL}/registry/history.jsonl`]) {
      expect(existsSync(join(out.first, file)), file).toBe(true);
    }
  });

  it('timeline.jsonl holds one line per day, in day order, each with every WindowRecord field', () => {
    const records = readJsonLines<WindowRecord>(join(out.first, 'timeline.jsonl'));
    expect(records.map((record) => record.window)).toEqual(Array.from({ length: DAYS }, (_, day) => dateOfDay(day)));
    expect(records.map((record) => record.day)).toEqual(Array.from({ length: DAYS }, (_, day) => day));
    for (const record of records) {
      expect(Object.keys(record).sort(), record.window).toEqual(Object.keys(WINDOW_RECORD_FIELDS).sort());
      expect(record.start).toBe(`${record.window}T00:00:00.000Z`);
      expect(Date.parse(record.end) - Date.parse(record.start)).toBe(DAY_MS);
    }
    const meta = readJson<TimelineMeta>(join(out.first, 'data', 'timeline.meta.json'));
    expect(records.map((record) => record.rows)).toEqual(meta.day_summaries.map((day) => day.rows));
    for (const baseline of BASELINE_LABELS) {
      const lines = readJsonLines<WindowRecord>(join(out.first, 'baselines', `${baseline}.jsonl`));
      expect(lines.map((record) => record.window), baseline).toEqual(records.map((record) => record.window));
    }
  });

  it('every decided window carries its estimate (CBPE), checked against its realised AUC once its labels arrived', () => {
    const records = readJsonLines<WindowRecord>(join(out.first, 'timeline.jsonl'));
    const estimated = records.filter((record) => record.estimated_auc !== null);
    expect(estimated.length).toBeGreaterThan(DAYS / 2);
    for (const record of estimated) {
      const check = record.estimate_check;
      expect(check, record.window).not.toBeNull();
      if (check === null) continue;
      // Labels come 1 to 5 days late here: each window is checked once every row's label has come, after its end.
      expect(check.reason, record.window).toBe('all_labelled');
      expect(check.labelled_rows, record.window).toBe(record.rows);
      expect(Date.parse(check.checked_at), record.window).toBeGreaterThan(Date.parse(record.end));
      expect(check.error, record.window).toBeCloseTo((record.estimated_auc as number) - (check.realised_auc as number), 12);
      // All of a window's labels are what hindsight knows of it: the realised AUC is the hindsight AUC of the model that served it.
      expect(check.realised_auc, record.window).toBeCloseTo(record.hindsight_auc as number, 12);
    }
    const summary = readJson<{ runs: { label: string; totals: { estimate_checks: number; mean_estimate_error: number | null } }[] }>(join(out.first, 'summary.json'));
    const policyRun = summary.runs.find((run) => run.label === POLICY_LABEL);
    expect(policyRun?.totals.estimate_checks).toBe(estimated.length);
    expect(policyRun?.totals.mean_estimate_error).not.toBeNull();
  });

  it('summary.json has the policy\'s run and both baselines, each with totals and a figure per phase; the verifier found nothing unauthorized', () => {
    const summary = readJson<ReplaySummary>(join(out.first, 'summary.json'));
    expect(summary.timeline).toMatchObject({ name: 'fortnight', start: START, days: DAYS });
    expect(summary.approvals).toBe('approve');
    expect(summary.policies.map((policy) => policy.label)).toEqual([POLICY_LABEL]);
    expect(summary.policies[0]?.unauthorized_actions).toBe(0);
    expect(summary.runs.map((run) => run.label)).toEqual([POLICY_LABEL, ...BASELINE_LABELS]);
    for (const run of summary.runs) {
      expect(run.totals.windows, run.label).toBe(DAYS);
      expect(run.phases.map((phase) => `${phase.scenario}@${phase.from_day}..${phase.to_day}`), run.label).toEqual(['nodrift@0..13', 'drift_feature@5..13', 'shock_black_friday@8..8', 'drift_concept@10..13']);
    }
  });

  it('replay.html stands alone: an inline <svg>, nothing loaded from http(s)', () => {
    const html = readFileSync(join(out.first, 'replay.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<script\b[^>]*\bsrc\s*=/i);
    expect(html).not.toMatch(/<link\b[^>]*\bstylesheet/i);
  });

  it('stdout is the comparison table: the policy\'s label and both baselines head its columns', () => {
    expect(tableLabels(resultOf('first').stdout)).toEqual([POLICY_LABEL, ...BASELINE_LABELS]);
  });
});

describe('a replay is deterministic', () => {
  it('the same timeline and policy into two folders give byte-identical windows and baselines, and the same summary apart from its time and data folder', () => {
    expect(resultOf('second').status, resultOf('second').stderr).toBe(0);
    for (const file of ['timeline.jsonl', 'baselines/never.jsonl', 'baselines/every_window.jsonl']) {
      expect(readFileSync(join(out.second, file)).equals(readFileSync(join(out.first, file))), file).toBe(true);
    }
    const comparable = (directory: string) => {
      const summary = readJson<ReplaySummary>(join(directory, 'summary.json'));
      expect(summary.timeline.directory).toBe(join(directory, 'data'));
      const { generated_at: _generatedAt, timeline: { directory: _directory, ...timeline }, ...rest } = summary;
      return { ...rest, timeline };
    };
    expect(comparable(out.second)).toEqual(comparable(out.first));
    expect(resultOf('second').stdout).toBe(resultOf('first').stdout);
  });
});

describe('the simulated clock', () => {
  const timelineStartMs = Date.parse(`${START}T00:00:00Z`);
  const timelineEndMs = timelineStartMs + DAYS * DAY_MS;

  it('every audit record and registry event is dated within the timeline\'s days, not by the wall clock', () => {
    const audit = readJsonLines<AuditRecord>(join(out.first, 'runs', POLICY_LABEL, 'events', 'audit.jsonl'));
    const history = readJsonLines<RegistryEvent>(join(out.first, 'runs', POLICY_LABEL, 'registry', 'history.jsonl'));
    expect(audit.length).toBeGreaterThanOrEqual(3 * DAYS);
    for (const { time } of [...audit, ...history]) {
      expect(Date.parse(time), time).toBeGreaterThanOrEqual(timelineStartMs);
      expect(Date.parse(time), time).toBeLessThanOrEqual(timelineEndMs);
    }
    // Each window is decided at its end.
    const records = readJsonLines<WindowRecord>(join(out.first, 'timeline.jsonl'));
    for (const record of records) {
      const own = audit.filter((entry) => entry.run_id === record.run_id);
      expect(own.length, record.window).toBeGreaterThan(0);
      expect(new Set(own.map((entry) => entry.time)), record.window).toEqual(new Set([record.end]));
    }
  });

  it('every window\'s run id is window-<date>, and every audit record names its window in detail.window_id', () => {
    const records = readJsonLines<WindowRecord>(join(out.first, 'timeline.jsonl'));
    for (const record of records) expect(record.run_id).toBe(`window-${record.window}`);
    const audit = readJsonLines<AuditRecord>(join(out.first, 'runs', POLICY_LABEL, 'events', 'audit.jsonl'));
    for (const entry of audit) {
      // A window's own run, or a run that answered an approval in that window.
      const match = /^window-(\d{4}-\d{2}-\d{2})(-answer-apr-.+)?$/.exec(entry.run_id);
      expect(match, entry.run_id).not.toBeNull();
      // A record written for an earlier run (an approval expired, an intent settled) carries no other window's id.
      if (entry.detail.window_id !== undefined || entry.kind === 'sentinel') expect(entry.detail.window_id, `${entry.run_id} ${entry.kind}`).toBe(match?.[1]);
    }
    expect(new Set(audit.filter((entry) => entry.kind === 'sentinel').map((entry) => entry.detail.window_id))).toEqual(new Set(records.map((record) => record.window)));
  });
});

describe('labels never come from the future', () => {
  it('each window\'s labelled_rows counts the rows of the last label_window_days whose label had arrived by the window\'s end', () => {
    const data = join(out.first, 'data');
    const eventMs = new Map<string, number>();
    for (const file of readdirSync(join(data, 'transactions'))) for (const [id, time] of csvRows(join(data, 'transactions', file))) eventMs.set(id as string, utcMs(time as string));
    const labelMs = new Map<string, number>();
    for (const file of readdirSync(join(data, 'labels'))) for (const [id, , time] of csvRows(join(data, 'labels', file))) labelMs.set(id as string, utcMs(time as string));
    expect(labelMs.size).toBe(eventMs.size);
    const records = readJsonLines<WindowRecord>(join(out.first, 'timeline.jsonl'));
    // The policy leaves a shock's rows out of later windows (shock_policy.retrain_includes_shock: false); the baselines keep them.
    const shockDays = new Set(records.filter((record) => record.incident === 'shock').map((record) => record.window));
    expect(shockDays.size).toBeGreaterThan(0);
    const counted = (withShock: boolean) => records.map((record) => {
      const endMs = Date.parse(record.end);
      const inLabelWindow = [...eventMs].filter(([id, ms]) => ms >= endMs - LABEL_WINDOW_DAYS * DAY_MS && ms < endMs && (withShock || !shockRow(id, ms, record.window))).map(([id]) => id);
      return { window: record.window, arrived: inLabelWindow.filter((id) => (labelMs.get(id) as number) <= endMs).length, all: inLabelWindow.length };
    });
    // A row of a shock window counts for that window itself (its decision comes after its rows are judged), not for later ones.
    const shockRow = (_id: string, ms: number, window: string) => shockDays.has(new Date(ms).toISOString().slice(0, 10)) && new Date(ms).toISOString().slice(0, 10) !== window;
    // Labels arrive 1 to 5 days late: every window has some still to come, so the count tells the future from the past.
    expect(counted(true).filter((window) => window.arrived < window.all).length).toBe(DAYS);
    expect(records.map((record) => `${record.window} ${record.labelled_rows}`)).toEqual(counted(false).map((window) => `${window.window} ${window.arrived}`));
    for (const baseline of BASELINE_LABELS) {
      const lines = readJsonLines<WindowRecord>(join(out.first, 'baselines', `${baseline}.jsonl`));
      expect(lines.map((record) => `${record.window} ${record.labelled_rows}`), baseline).toEqual(counted(true).map((window) => `${window.window} ${window.arrived}`));
    }
  });
});

describe('--approvals', () => {
  it('reject: no approval ends approved, and the windows that asked record the answer rejected', () => {
    const result = resultOf('rejected');
    expect(result.status, result.stderr).toBe(0);
    const approvals = approvalsOf(out.rejected, POLICY_LABEL);
    expect(approvals.length).toBeGreaterThan(0);
    expect(approvals.map((approval) => approval.status).filter((status) => status === 'approved')).toEqual([]);
    const asked = readJsonLines<WindowRecord>(join(out.rejected, 'timeline.jsonl')).filter((record) => record.approval !== null);
    expect(asked.map((record) => record.approval?.id).sort()).toEqual(approvals.map((approval) => approval.id).sort());
    for (const record of asked) expect(record.approval, record.window).toMatchObject({ answer: 'rejected', outcome: null });
    expect(readJson<ReplaySummary>(join(out.rejected, 'summary.json')).approvals).toBe('reject');
  });

  it('after:2d: an approval answered two days later has expired (approval_ttl_hours 24), so it is closed and nothing ran for it', () => {
    const result = resultOf('late');
    expect(result.status, result.stderr).toBe(0);
    expect(parseDocument(readFileSync(policyPath, 'utf8')).getIn(['autonomy', 'approval_ttl_hours'])).toBe(24);
    const approvals = approvalsOf(out.late, POLICY_LABEL);
    const records = readJsonLines<WindowRecord>(join(out.late, 'timeline.jsonl'));
    const lastEndMs = Date.parse((records.at(-1) as WindowRecord).end);
    const asked = records.filter((record) => record.approval !== null);
    expect(asked.map((record) => record.approval?.id).sort()).toEqual(approvals.map((approval) => approval.id).sort());
    // Asked by a window whose end plus two days is still on the timeline: answered then, and closed.
    const answered = asked.filter((record) => Date.parse(record.end) + 2 * DAY_MS <= lastEndMs);
    expect(answered.length).toBeGreaterThan(0);
    for (const record of answered) {
      expect(record.approval, record.window).toMatchObject({ answer: 'closed', outcome: null });
      expect(Date.parse(`${record.approval?.answered_in}T00:00:00Z`) + DAY_MS - Date.parse(record.end), record.window).toBe(2 * DAY_MS);
      expect(approvals.find((approval) => approval.id === record.approval?.id), record.window).toMatchObject({ status: 'expired', executed_run_id: null });
    }
    for (const record of asked.filter((item) => !answered.includes(item))) expect(record.approval, record.window).toMatchObject({ answered_in: null, outcome: null });
    expect(approvals.filter((approval) => approval.status === 'approved' || approval.executed_run_id !== null)).toEqual([]);
    // Nothing ran for them: no release of an approval's run in the audit log, nothing in the registry's history.
    const audit = readJsonLines<AuditRecord>(join(out.late, 'runs', POLICY_LABEL, 'events', 'audit.jsonl'));
    expect(audit.filter((entry) => entry.run_id.includes('-answer-') && entry.kind === 'release')).toEqual([]);
    const runs = new Set(audit.filter((entry) => entry.run_id.includes('-answer-')).map((entry) => entry.run_id));
    const history = readJsonLines<RegistryEvent>(join(out.late, 'runs', POLICY_LABEL, 'registry', 'history.jsonl'));
    expect(history.filter((event) => runs.has(event.run_id) || approvals.some((approval) => approval.run_id === event.run_id))).toEqual([]);
  });
});

describe('--compare A.yaml B.yaml', () => {
  it('replays both policies: the table has a column for each, summary.json has both', () => {
    const result = resultOf('compared');
    expect(result.status, result.stderr).toBe(0);
    expect(tableLabels(result.stdout)).toEqual(['eager', 'cautious', ...BASELINE_LABELS]);
    const summary = readJson<ReplaySummary>(join(out.compared, 'summary.json'));
    expect(summary.policies.map((policy) => [policy.label, policy.path, policy.unauthorized_actions])).toEqual([['eager', eagerPath, 0], ['cautious', cautiousPath, 0]]);
    expect(summary.runs.map((run) => run.label)).toEqual(['eager', 'cautious', ...BASELINE_LABELS]);
    for (const label of ['eager', 'cautious']) expect(readJsonLines<WindowRecord>(join(out.compared, 'runs', label, 'timeline.jsonl')), label).toHaveLength(DAYS);
  });

  it('with autonomy.min_confidence 0.99 every action waits for a human: nothing the cautious policy executed ran without an approval', () => {
    const summary = readJson<ReplaySummary>(join(out.compared, 'summary.json'));
    const totals = (label: string) => summary.runs.find((run) => run.label === label)?.totals;
    expect(totals('cautious')?.executed_actions).toBeGreaterThan(0);
    expect(totals('cautious')?.autonomy_rate).toBe(0);
    expect(totals('eager')?.autonomy_rate).toBeGreaterThan(0);
    const cautious = readJsonLines<WindowRecord>(join(out.compared, 'runs', 'cautious', 'timeline.jsonl'));
    for (const record of cautious) expect(['promoted', 'blocked', 'rolled_back', 'failed'], record.window).not.toContain(record.outcome);
  });
});

describe('bad input: one line on stderr, exit 2, nothing written in --out', () => {
  function refused(args: string[], replayOut: string): string {
    const line = expectOneLineUserError(runScript(REPLAY, [...args, '--out', replayOut]));
    expect(line).toMatch(/^replay: error: /);
    return line;
  }

  it('--approvals sometimes', () => {
    const replayOut = join(temp.path, 'bad-approvals');
    expect(refused(['--timeline-dir', timelineData, '--policy', policyPath, '--approvals', 'sometimes'], replayOut)).toMatch(/--approvals .*"sometimes"/);
    expect(filesUnder(replayOut)).toEqual([]);
  });

  it('--timeline-dir of a folder without timeline.meta.json', () => {
    const notATimeline = join(temp.path, 'not-a-timeline');
    cpSync(join(timelineData, 'transactions'), join(notATimeline, 'transactions'), { recursive: true });
    const replayOut = join(temp.path, 'bad-timeline-dir');
    expect(refused(['--timeline-dir', notATimeline, '--policy', policyPath], replayOut)).toContain(join(notATimeline, 'timeline.meta.json'));
    expect(filesUnder(replayOut)).toEqual([]);
  });

  it('a day of the timeline changed after it was generated: the error names the file', () => {
    const tampered = join(temp.path, 'tampered-timeline');
    cpSync(timelineData, tampered, { recursive: true });
    const day = join(tampered, 'transactions', `${dateOfDay(3)}.csv`);
    const original = readFileSync(day, 'utf8');
    const lines = original.split('\n');
    lines[1] = (lines[1] as string).replace(/,(\d+)\.(\d+),/, (_, whole: string, cents: string) => `,${Number(whole) + 1}.${cents},`);
    expect(lines.join('\n')).not.toBe(original);
    writeFileSync(day, lines.join('\n'));
    const replayOut = join(temp.path, 'bad-tampered');
    expect(refused(['--timeline-dir', tampered, '--policy', policyPath], replayOut)).toContain(day);
    expect(filesUnder(replayOut)).toEqual([]);
  });

  it('--out a folder of the user\'s that holds no replay: refused, and its file is still there', () => {
    const usersFolder = join(temp.path, 'users-folder');
    cpSync(timelineFile, join(usersFolder, 'unused.yaml'));
    writeFileSync(join(usersFolder, 'notes.txt'), 'my notes\n');
    expect(refused(['--timeline-dir', timelineData, '--policy', policyPath], usersFolder)).toMatch(/holds no replay/);
    expect(filesUnder(usersFolder)).toEqual(['notes.txt', 'unused.yaml']);
    expect(readFileSync(join(usersFolder, 'notes.txt'), 'utf8')).toBe('my notes\n');
  });

  it('an invalid policy: the error names the file and the key', () => {
    const invalid = policyCopy('invalid.yaml', [[['autonomy', 'min_confidence'], 1.8]]);
    const replayOut = join(temp.path, 'bad-policy');
    const line = refused(['--timeline-dir', timelineData, '--policy', invalid], replayOut);
    expect(line).toContain(invalid);
    expect(line).toContain('autonomy.min_confidence');
    expect(filesUnder(replayOut)).toEqual([]);
  });
});
