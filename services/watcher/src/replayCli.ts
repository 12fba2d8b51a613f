import { basename, extname, join } from 'node:path';
import { REPLAY_TIMELINE_FILE } from '../../core/src/domain/timelineFiles.ts';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { loadPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { jsonFileText, writeFileAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { optionalString, type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { generateTimeline, loadTimeline as loadTimelineFile } from '../../../generator/src/index.ts';
import { describeApprovalsRule, parseApprovalsRule, type ApprovalsRule } from './approvalsRule.ts';
import { acquireFileLock } from '../../core/src/infrastructure/fileLock.ts';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { compareTable, type ComparedRun } from './compareTable.ts';
import { BASELINES, replayBaseline } from './replayBaselines.ts';
import { phaseFigures, runTotals } from './replayMetrics.ts';
import { replayPolicy, trainFirstModel, type PolicyReplay } from './replayPolicy.ts';
import { renderReplayHtml, type ReplayRun } from './replayReport.ts';
import { loadTimeline } from './replayTimeline.ts';
import { recordLine } from './watchSchemas.ts';
import type { WindowRecord } from './windowTypes.ts';

/** Exit code when the verifier finds an action the policy did not allow (as verify-actions). */
const EXIT_UNAUTHORIZED = 4;

const spec: CommandSpec = {
  usage: 'npm run --silent replay -- --timeline NAME|FILE [--policy PATH | --compare A.yaml B.yaml ...] [--approvals approve|reject|after:Nd] [--out DIR]\n       npm run --silent replay -- --timeline-dir DIR ...',
  summary: 'Replay a policy over a drift timeline on a simulated clock: v1 trained on the reference, then day by day the traffic is judged and decided by the watcher and control-plane code, actions run for real in a scratch registry, labels arrive on their days, approvals are answered by --approvals. Baselines never and every_window run on the same traffic. Writes DIR/timeline.jsonl, DIR/summary.json, DIR/replay.html and prints the comparison.',
  allowPositionals: true,
  options: {
    timeline: { type: 'string', description: 'a timeline in generator/timelines/ or a timeline YAML file: generated afresh into DIR/data' },
    'timeline-dir': { type: 'string', description: 'a timeline generated earlier (npm run generate -- --timeline ... --out DIR)' },
    policy: { type: 'string', description: 'the policy to replay', default: DEFAULT_PATHS.policy },
    compare: { type: 'boolean', description: 'replay every policy file given after the flags, side by side' },
    approvals: { type: 'string', description: 'how escalations are answered: approve, reject, or after:Nd (approve N days later)', default: 'approve' },
    out: { type: 'string', description: 'output directory (default: shared/replay/<timeline name>)' },
  },
  exitCodes: { 0: 'replayed; no unauthorized action', 2: 'bad input (timeline, policy, flags)', [EXIT_UNAUTHORIZED]: 'the verifier found an action the policy did not allow' },
};

/** Marks a folder as a replay's output: only such a folder (or a new or empty one) is replaced. */
const REPLAY_MARKER = '.driftwatch-replay';

/** The replay empties its scratch folders: --out must be new or empty, or a replay's own output, never a folder of the user's. */
function refuseForeignOutput(out: string): void {
  if (!existsSync(out)) return;
  if (!statSync(out).isDirectory()) throw new UserError(`--out ${out} is a file; give a new directory`);
  const entries = readdirSync(out);
  if (entries.length === 0 || entries.includes(REPLAY_MARKER)) return;
  throw new UserError(`--out ${out} is a directory that holds no replay (${entries.slice(0, 3).join(', ')}${entries.length > 3 ? ', ...' : ''}); a replay replaces its folders: give a new directory`);
}

/** Policy files named for the table: by file name, made unique, and never a baseline's name. */
function policyLabels(paths: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return paths.map((path) => {
    const name = basename(path, extname(path));
    const base = (BASELINES as readonly string[]).includes(name) ? `${name}-policy` : name;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    return count === 1 ? base : `${base}-${count}`;
  });
}

function jsonLines(records: readonly WindowRecord[]): string {
  return records.map((record) => `${recordLine(record)}\n`).join('');
}

await runCommandLine('replay', spec, async ({ values, positionals }) => {
  const timelineName = optionalString(values, 'timeline');
  const timelineDirectory = optionalString(values, 'timeline-dir');
  if ((timelineName === undefined) === (timelineDirectory === undefined)) throw new UserError('give exactly one of --timeline NAME|FILE or --timeline-dir DIR');
  const compare = values.compare === true;
  if (!compare && positionals.length > 0) throw new UserError(`unexpected arguments: ${positionals.join(' ')} (policies to compare go after --compare)`);
  if (compare && positionals.length === 0) throw new UserError('--compare needs at least one policy file after the flags');
  const policies = compare ? positionals : [String(values.policy)];
  // Every policy is checked before anything is replayed: a typo in the third must not cost the first two runs.
  for (const path of policies) loadPolicy(path);
  const approvals = parseApprovalsRule(String(values.approvals));
  const config = timelineName === undefined ? undefined : loadTimelineFile(timelineName);
  const name = config?.file.name ?? basename(timelineDirectory as string);
  const out = optionalString(values, 'out') ?? join(DEFAULT_PATHS.replay, name);
  const started = performance.now();
  refuseForeignOutput(out);
  const created = !existsSync(out);
  mkdirSync(out, { recursive: true });
  // Two replays into one folder would empty each other's scratch registries.
  const release = acquireFileLock(join(out, '.replay.lock'), { timeoutMs: 0, purpose: `replay ${name}` });
  try {
    writeFileSync(join(out, REPLAY_MARKER), 'a DriftWatch replay writes here and may replace what it wrote\n');
    await replayInto(out, { name, config, timelineDirectory, policies, approvals, started });
  } catch (error) {
    // A replay refused before it wrote anything leaves no folder it made behind.
    release();
    if (created && readdirSync(out).every((entry) => entry === REPLAY_MARKER)) rmSync(out, { recursive: true, force: true });
    throw error;
  } finally {
    release();
  }
});

async function replayInto(out: string, { config, timelineDirectory, policies, approvals, started }: { name: string; config: ReturnType<typeof loadTimelineFile> | undefined; timelineDirectory: string | undefined; policies: string[]; approvals: ApprovalsRule; started: number }): Promise<void> {
  const dataDirectory = timelineDirectory ?? join(out, 'data');
  if (config) await generateTimeline(config, dataDirectory);
  const timeline = loadTimeline(dataDirectory);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  log(`replay: timeline ${timeline.meta.timeline}: ${timeline.meta.days} days from ${timeline.meta.start}, ${timeline.days.reduce((sum, day) => sum + day.rows.length, 0)} rows (${((performance.now() - started) / 1000).toFixed(1)} s to load)`);

  const labels = policyLabels(policies);
  const replays: PolicyReplay[] = [];
  for (const [index, policyPath] of policies.entries()) {
    const label = labels[index] as string;
    const runStarted = performance.now();
    const replay = await replayPolicy(timeline, { label, policyPath, workDirectory: join(out, 'runs', label), approvals, log });
    replays.push(replay);
    writeFileAtomic(join(out, 'runs', label, REPLAY_TIMELINE_FILE), jsonLines(replay.records));
    log(`replay: policy ${label} (${policyPath}): ${replay.records.length} windows, ${replay.verification.unauthorized_actions} unauthorized (${((performance.now() - runStarted) / 1000).toFixed(1)} s)`);
  }
  // The baselines retrain with the first policy's settings: the policy is the only thing that differs.
  const firstPolicy = loadPolicy(policies[0] as string);
  const firstModel = trainFirstModel(timeline, firstPolicy).trained.artifact;
  const baselines = BASELINES.map((baseline) => {
    const baselineStarted = performance.now();
    const records = replayBaseline(timeline, baseline, firstPolicy, firstModel);
    writeFileAtomic(join(out, 'baselines', `${baseline}.jsonl`), jsonLines(records));
    log(`replay: baseline ${baseline} (${((performance.now() - baselineStarted) / 1000).toFixed(1)} s)`);
    return { label: baseline, records };
  });

  const phases = timeline.meta.phases;
  const runs: ReplayRun[] = [...replays, ...baselines].map((run) => ({ label: run.label, records: run.records, totals: runTotals(run.records), phases: phaseFigures(run.records, phases) }));
  const unauthorized = Object.fromEntries(replays.map((replay) => [replay.label, replay.verification.unauthorized_actions]));
  const generatedAt = new Date().toISOString();
  const compared: ComparedRun[] = runs.map((run) => ({ ...run, unauthorized: Object.hasOwn(unauthorized, run.label) ? (unauthorized[run.label] as number) : null }));
  const summary = {
    timeline: { name: timeline.meta.timeline, start: timeline.meta.start, days: timeline.meta.days, seed: timeline.meta.seed, phases, directory: dataDirectory },
    approvals: describeApprovalsRule(approvals),
    generated_at: generatedAt,
    policies: replays.map((replay) => ({
      label: replay.label,
      path: replay.policyPath,
      unauthorized_actions: replay.verification.unauthorized_actions,
      verification: replay.verification,
      refused_windows: replay.refusals,
    })),
    runs: runs.map((run) => ({ label: run.label, totals: run.totals, phases: run.phases })),
  };
  writeFileAtomic(join(out, REPLAY_TIMELINE_FILE), jsonLines(replays[0]?.records ?? []));
  writeFileAtomic(join(out, 'summary.json'), jsonFileText(summary));
  writeFileAtomic(join(out, 'replay.html'), renderReplayHtml({ name: timeline.meta.timeline, start: timeline.meta.start, days: timeline.meta.days, phases, runs, unauthorized, generatedAt }));
  const table = compareTable(compared);
  process.stdout.write(table.endsWith('\n') ? table : `${table}\n`);
  log(`replay: ${join(out, REPLAY_TIMELINE_FILE)}, ${join(out, 'summary.json')}, ${join(out, 'replay.html')} (${((performance.now() - started) / 1000).toFixed(1)} s in all)`);
  if (replays.some((replay) => replay.verification.unauthorized_actions > 0)) process.exitCode = EXIT_UNAUTHORIZED;
}
