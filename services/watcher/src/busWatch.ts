import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUS_STREAMS, WATCHER_GROUP } from '../../core/src/domain/busStreams.ts';
import { loadPolicy, type PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { appendLinesDurably } from '../../core/src/infrastructure/appendOnlyLines.ts';
import { errorMessage, UserError } from '../../core/src/infrastructure/errors.ts';
import { faultPoint } from '../../core/src/infrastructure/faultPoint.ts';
import { acquireFileLock } from '../../core/src/infrastructure/fileLock.ts';
import { BusUnavailable, describeBus, isNoGroup, type BusEntry, type RedisBus } from '../../core/src/infrastructure/redisBus.ts';
import { busLabels, busRows } from './busSource.ts';
import { announcementFields, announcementOf, claimStep, decisionFields, parseAnnouncement, parseDecision, predictionsTrimPoint, windowEntryId, type BusDecision, type WindowAnnouncement } from './busWindows.ts';
import { eventMs, LabelWindow, markShock, windowsKeptFromMs, type KeptRow, type LabelledRow } from './labelWindow.ts';
import { attemptRunId } from './windowAttempts.ts';
import { cutWindows } from './windowCutter.ts';
import { keptRowOf } from './windowCsv.ts';
import { requireWatchableSpec, windowHeader, type WatchableSpec } from './windowHeader.ts';
import { undecidedRecord, windowRecord, type WindowFacts } from './windowRecord.ts';
import { attemptWindow, auditedWindows } from './windowRun.ts';
import type { Quarantined, WindowRecord } from './windowTypes.ts';
import { recordLine } from './watchSchemas.ts';
import { auditWindowId, FUTURE_GRACE_MS, recordedDecision, recordedWindows, showLatestWindow, windowsLogPath, type WatcherRun } from './watchLoop.ts';

/*
 * The watcher on the bus (DRIFTWATCH_BUS): any number of watchers, on any hosts that share
 * the registry and the audit log, run this loop in one consumer group.
 *
 * - Cutting: every watcher reads the predictions after the last announced window and cuts
 *   day windows the way the file watcher does. Each closed window is announced on the
 *   windows stream under the id <end ms>-0, so a window cut by two watchers at once is
 *   announced once: the second XADD is refused on its id.
 * - Deciding: windows are decided in their order, since each decision depends on the one
 *   before (the serving version, cooldowns, budgets). The next window is the first
 *   announcement without a decision on the events stream. A watcher decides it if the
 *   group gave it to it, takes it from the group if nobody has it, and claims it
 *   (XAUTOCLAIM) from a holder idle past --claim-idle-seconds; a live holder keeps its
 *   window fresh while it works (XCLAIM to itself, which resets the idle time).
 * - Once: the audit log is the record of what was decided. A window whose run is in it is
 *   never decided again, and the control plane refuses, under its lock, a second run for a
 *   window another watcher decided meanwhile. The decision is then published on the events
 *   stream under the window's id (once), and the window acknowledged in the group.
 * - Trimming: the predictions stream is trimmed (XTRIM MINID, exact) below the rows of the
 *   oldest window a watcher starting afresh still reads (the label window before the next
 *   window), never past what is not yet cut into a window.
 */

export interface BusWatchOptions extends WatcherRun {
  bus: RedisBus;
  /** This watcher's name in the group (one per process: a restarted watcher is a new consumer, and claims what the old one held). */
  consumer: string;
  /** How long a window may sit idle with its holder before another watcher claims it. */
  claimIdleMs: number;
}

/** XRANGE in chunks: a backlog of a million predictions is not one reply. */
const RANGE_CHUNK = 20_000;

async function rangeAll(bus: RedisBus, stream: string, start: string, end: string): Promise<BusEntry[]> {
  const entries: BusEntry[] = [];
  let from = start;
  for (;;) {
    const chunk = await bus.range(stream, from, end, RANGE_CHUNK);
    for (const entry of chunk) entries.push(entry);
    if (chunk.length < RANGE_CHUNK) return entries;
    from = `(${(chunk[chunk.length - 1] as BusEntry).id}`;
  }
}

function entryMs(id: string): number {
  return Number(id.split('-')[0]);
}

/** A window's rows in the label window, and what its decision sees (LabelWindow.enter). */
interface Entered {
  rows: KeptRow[];
  before: KeptRow[];
  added: KeptRow[];
  labelled: LabelledRow[];
}

/**
 * What a watcher knows of the traffic: the label window over every window decided so far
 * by any watcher (their rows read back from the predictions stream, their shocks from the
 * events stream), and every label arrived on the labels stream.
 */
class BusFollower {
  private readonly labelWindow = new LabelWindow();
  /** The windows entry through which the windows' rows are in the label window. */
  private followed = '0-0';
  /**
   * The window entered and not yet followed past (its decision, or its publication, may be
   * tried again after an outage): entered once, so its rows are never counted twice.
   */
  private current: { id: string; entered: Entered } | undefined;
  private labelsAfter = '0-0';
  private readonly reported = new Set<string>();

  constructor(private readonly options: BusWatchOptions, private readonly spec: WatchableSpec, private readonly header: readonly string[]) {}

  report(quarantined: readonly Quarantined[]): void {
    for (const item of quarantined) {
      if (!this.reported.has(item.file)) this.options.log(`watch: set aside ${item.reason}`);
      this.reported.add(item.file);
    }
  }

  async learnLabels(): Promise<void> {
    const entries = await rangeAll(this.options.bus, BUS_STREAMS.labels, `(${this.labelsAfter}`, '+');
    const { labels, quarantined } = busLabels(entries, this.spec);
    this.report(quarantined);
    this.labelWindow.learn(labels);
    const last = entries[entries.length - 1];
    if (last !== undefined) this.labelsAfter = last.id;
  }

  /** The window's rows, read back from the predictions stream and checked as they were when it was cut. */
  async windowRows(announcement: WindowAnnouncement): Promise<KeptRow[]> {
    const entries = await rangeAll(this.options.bus, BUS_STREAMS.predictions, `(${announcement.after}`, announcement.last);
    const { rows, quarantined } = busRows(entries, this.spec, this.header, announcement.announced_at_ms + FUTURE_GRACE_MS);
    this.report(quarantined);
    return rows.map(({ row }) => keptRowOf(row));
  }

  /** The windows decided before `next` that the label window still needs, added in order (with their shocks), up to `next`. */
  private async catchUp(next: WindowAnnouncement, labelWindowDays: number, withShock: boolean): Promise<void> {
    const fromMs = windowsKeptFromMs(next.end_ms, labelWindowDays);
    const start = entryMs(this.followed) >= fromMs ? `(${this.followed}` : windowEntryId(Math.max(fromMs, 0));
    const { bus } = this.options;
    for (const entry of await rangeAll(bus, BUS_STREAMS.windows, start, `(${windowEntryId(next.end_ms)}`)) {
      const earlier = parseAnnouncement(entry);
      // Entered here already, and decided (or published) by another watcher after an outage here: its rows are in once.
      const { added } = this.current?.id === entry.id ? this.current.entered : this.labelWindow.enter(await this.windowRows(earlier), earlier.end_ms, labelWindowDays, withShock);
      const published = (await bus.range(BUS_STREAMS.events, entry.id, entry.id))[0];
      if (published !== undefined && parseDecision(published).record.incident === 'shock') markShock(added);
      this.followed = entry.id;
      this.current = undefined;
    }
  }

  /** The window's rows enter the label window after every window before it, once however often it is tried. */
  async enter(announcement: WindowAnnouncement, labelWindowDays: number, withShock: boolean): Promise<Entered> {
    const id = windowEntryId(announcement.end_ms);
    if (this.current?.id === id) return this.current.entered;
    await this.catchUp(announcement, labelWindowDays, withShock);
    await this.learnLabels();
    const rows = await this.windowRows(announcement);
    const entered = { rows, ...this.labelWindow.enter(rows, announcement.end_ms, labelWindowDays, withShock) };
    this.current = { id, entered };
    return entered;
  }

  /** The window is to be tried again from the start (its run was refused before it decided): its rows leave. */
  takeBack(): void {
    if (this.current !== undefined) this.labelWindow.takeBack(this.current.entered.added);
    this.current = undefined;
  }

  /** The window is decided: the next one follows it. */
  followedThrough(id: string): void {
    this.followed = id;
    this.current = undefined;
  }
}

/** Cuts the predictions after the last announced window and announces each window they close, stopping where another watcher was first. */
async function announceClosedWindows(options: BusWatchOptions, follower: BusFollower, spec: WatchableSpec, header: readonly string[], minSamples: number): Promise<void> {
  const { bus } = options;
  const lastEntry = await bus.last(BUS_STREAMS.windows);
  const last = lastEntry === undefined ? undefined : parseAnnouncement(lastEntry);
  let after = last?.last ?? '0-0';
  const announcedAt = Date.now();
  const { rows, quarantined } = busRows(await rangeAll(bus, BUS_STREAMS.predictions, `(${after}`, '+'), spec, header, announcedAt + FUTURE_GRACE_MS);
  follower.report(quarantined);
  const windows = cutWindows(rows, { kind: 'day' }, minSamples, { firstRowIndex: 0, eventMs, ...(last === undefined ? {} : { decidedThroughMs: last.end_ms }) });
  for (const window of windows) {
    const announcement = announcementOf(window, after, announcedAt);
    const id = windowEntryId(announcement.end_ms);
    if (!(await bus.appendOnce(BUS_STREAMS.windows, id, announcementFields(announcement)))) {
      // Another watcher announced it (or, under a policy changed meanwhile, a window cut otherwise) first; an
      // entry that is no announcement at all would block every later one, and stops the watcher, named.
      const top = await bus.last(BUS_STREAMS.windows);
      if (top !== undefined) parseAnnouncement(top);
      return;
    }
    options.log(`watch: window ${announcement.window} closed: ${announcement.rows} rows${announcement.late_rows > 0 ? ` (${announcement.late_rows} late)` : ''}; announced on ${BUS_STREAMS.windows}`);
    after = announcement.last;
  }
}

/**
 * The first announced window without a published decision: the next to decide. The last
 * decision must be a decided window's, under its announcement's id: an entry another
 * program wrote there would hide every window before its id (and block every publication
 * after it), so it stops the watcher, named.
 */
async function nextUndecided(bus: RedisBus): Promise<WindowAnnouncement | undefined> {
  const lastDecided = await bus.last(BUS_STREAMS.events);
  if (lastDecided !== undefined) {
    const decided = parseDecision(lastDecided);
    const announced = (await bus.range(BUS_STREAMS.windows, lastDecided.id, lastDecided.id))[0];
    if (announced === undefined || parseAnnouncement(announced).window !== decided.window) {
      throw new UserError(`${BUS_STREAMS.events}: entry ${lastDecided.id} (window ${decided.window}) is not the decision of the window announced under its id on ${BUS_STREAMS.windows}; an entry DriftWatch did not write: remove it (XDEL ${BUS_STREAMS.events} ${lastDecided.id})`);
    }
  }
  const next = (await bus.range(BUS_STREAMS.windows, lastDecided === undefined ? '-' : `(${lastDecided.id}`, '+', 1))[0];
  return next === undefined ? undefined : parseAnnouncement(next);
}

/** Windows before the next one are decided: any left pending (an acknowledgement lost in an outage) are acknowledged now. */
async function acknowledgeDecidedBefore(bus: RedisBus, nextId: string): Promise<void> {
  await bus.acknowledge(BUS_STREAMS.windows, WATCHER_GROUP, ...(await bus.pendingIds(BUS_STREAMS.windows, WATCHER_GROUP, '-', `(${nextId}`, 100)));
}

/** The predictions below what any watcher still reads are dropped, once the window ending at `decidedEndMs` is decided. */
async function trimPredictions(bus: RedisBus, decidedEndMs: number, labelWindowDays: number): Promise<void> {
  const oldestNeeded = (await bus.range(BUS_STREAMS.windows, `(${windowEntryId(Math.max(windowsKeptFromMs(decidedEndMs, labelWindowDays), 0))}`, '+', 1))[0];
  const newest = await bus.last(BUS_STREAMS.windows);
  const announced = [oldestNeeded, newest].filter((entry) => entry !== undefined).map(parseAnnouncement);
  const point = predictionsTrimPoint(announced, decidedEndMs, labelWindowDays);
  if (point !== undefined) await bus.trimBelow(BUS_STREAMS.predictions, point);
}

type Decided = { record: WindowRecord & { refused?: string }; runId: string | null } | 'retry';

/** The window's decision: judged and decided by this watcher, or read back from the audit log when a run already decided it. */
async function decision(options: BusWatchOptions, announcement: WindowAnnouncement, entered: Entered): Promise<Decided> {
  const { context } = options;
  const facts: WindowFacts = { window: announcement.window, day: null, startMs: announcement.start_ms, endMs: announcement.end_ms, rows: entered.rows.length, labelledRows: entered.labelled.length };
  const key = auditWindowId(options.name, announcement.window);
  const history = auditedWindows(context).get(key) ?? { decided: false, runs: [] };
  if (history.decided) {
    const runId = history.runs[history.runs.length - 1] as string;
    options.log(`watch: window ${announcement.window} was decided by run ${runId} (in the audit log): publishing it, not deciding it again`);
    return { record: recordedDecision(context, facts, runId), runId };
  }
  const runId = attemptRunId(options.name, announcement.window, history.runs.length);
  const now = options.clock === 'event' ? new Date(announcement.end_ms) : new Date();
  const attempt = await attemptWindow(context, { id: announcement.window, runId, auditWindowId: key, rows: entered.rows, before: entered.before, labelled: entered.labelled, now }, { once: options.once });
  if ('decided' in attempt) {
    const result = attempt.decided;
    faultPoint('watch_after_decision');
    showLatestWindow(result.directory, options.reportsDirectory);
    const record = windowRecord(facts, result.summary, result.control, runId);
    options.log(`watch: window ${announcement.window}: ${entered.rows.length} rows, ${entered.labelled.length} labelled; ${record.incident}/${record.severity ?? '-'} -> ${record.action} -> ${record.outcome} (run ${runId}, ${options.consumer})`);
    return { record, runId };
  }
  if ('decidedBy' in attempt) {
    options.log(`watch: ${attempt.reason} (claimed from this watcher while it judged it)`);
    return { record: recordedDecision(context, facts, attempt.decidedBy), runId: attempt.decidedBy };
  }
  if ('retry' in attempt) {
    options.log(`watch: window ${announcement.window} waits for the next poll: ${attempt.retry}`);
    return 'retry';
  }
  options.log(`watch: window ${announcement.window} refused: ${attempt.refused}`);
  return { record: { ...undecidedRecord(facts, runId), refused: attempt.refused }, runId };
}

/** One window, held by this watcher: decided (or read back), recorded, published, acknowledged; its window kept fresh meanwhile. */
async function decideHeldWindow(options: BusWatchOptions, follower: BusFollower, announcement: WindowAnnouncement, policy: PromotionPolicy, recorded: Set<string>): Promise<'decided' | 'retry'> {
  const { bus } = options;
  const id = windowEntryId(announcement.end_ms);
  const heartbeat = setInterval(() => {
    bus.touch(BUS_STREAMS.windows, WATCHER_GROUP, options.consumer, id).catch(() => {});
  }, Math.max(100, Math.floor(options.claimIdleMs / 3)));
  try {
    const labelWindowDays = policy.performance_policy.label_window_days;
    const entered = await follower.enter(announcement, labelWindowDays, policy.shock_policy.retrain_includes_shock);
    const decided = await decision(options, announcement, entered);
    if (decided === 'retry') {
      follower.takeBack();
      return 'retry';
    }
    const { record, runId } = decided;
    if (record.incident === 'shock') markShock(entered.added);
    if (!recorded.has(announcement.window)) appendLinesDurably(windowsLogPath(options.watchDirectory), [recordLine(record)]);
    recorded.add(announcement.window);
    faultPoint('watch_after_record');
    const published: BusDecision = { window: announcement.window, audit_window_id: auditWindowId(options.name, announcement.window), run_id: runId, decided_by: options.consumer, decided_at: new Date().toISOString(), record };
    if (!(await bus.appendOnce(BUS_STREAMS.events, id, decisionFields(published))) && (await bus.range(BUS_STREAMS.events, id, id)).length === 0) {
      options.log(`watch: window ${announcement.window}: a later window's decision is on ${BUS_STREAMS.events} already; this one is in the audit log and windows.jsonl only`);
    }
    await bus.acknowledge(BUS_STREAMS.windows, WATCHER_GROUP, id);
    follower.followedThrough(id);
    await trimPredictions(bus, announcement.end_ms, labelWindowDays);
    return 'decided';
  } finally {
    clearInterval(heartbeat);
  }
}

/** The bus watcher: one per watch directory (its windows' files and its windows.jsonl), any number per group. Returns the windows it decided. */
export async function busWatch(options: BusWatchOptions): Promise<number> {
  mkdirSync(options.watchDirectory, { recursive: true });
  const release = acquireFileLock(join(options.watchDirectory, '.watch.lock'), { timeoutMs: 0, purpose: `watch ${describeBus(options.bus.url)} as ${options.consumer}` });
  try {
    return await busWatchHoldingLock(options);
  } finally {
    release();
  }
}

async function busWatchHoldingLock(options: BusWatchOptions): Promise<number> {
  const { bus, context } = options;
  const spec = requireWatchableSpec(context.dataset);
  const header = windowHeader(spec);
  const follower = new BusFollower(options, spec, header);
  const recorded = new Set(recordedWindows(options.watchDirectory).keys());
  let decided = 0;
  let waitingFor = '';
  let outage = false;
  let groupReady = false;
  options.log(`watch: bus ${describeBus(bus.url)}, consumer ${options.consumer} in group ${WATCHER_GROUP}; windows of a day`);
  while (!options.stopRequested()) {
    try {
      // Again after an outage: a Redis that came back without its data (no AOF) has no group either.
      if (!groupReady) await bus.ensureGroup(BUS_STREAMS.windows, WATCHER_GROUP);
      groupReady = true;
      if (outage) options.log('watch: the bus is back');
      outage = false;
      const policy = loadPolicy(context.policyPath);
      await announceClosedWindows(options, follower, spec, header, policy.drift_policy.min_samples);
      const next = await nextUndecided(bus);
      if (next === undefined) {
        if (options.once) break;
        await options.sleep(options.pollMs);
        continue;
      }
      const id = windowEntryId(next.end_ms);
      await acknowledgeDecidedBefore(bus, id);
      const step = claimStep(await bus.pending(BUS_STREAMS.windows, WATCHER_GROUP, id), options.consumer, options.claimIdleMs);
      if (step.kind === 'wait') {
        if (options.once) break;
        if (waitingFor !== next.window) options.log(`watch: window ${next.window} is being decided by ${step.holder}; waiting (claimed after ${options.claimIdleMs / 1000} s idle)`);
        waitingFor = next.window;
        await options.sleep(Math.min(options.pollMs, Math.max(100, options.claimIdleMs - step.idleMs)));
        continue;
      }
      if (step.kind === 'take') {
        // The group hands out the oldest window nobody was given, which is this one: the loop decides it next time round.
        if ((await bus.readGroup(BUS_STREAMS.windows, WATCHER_GROUP, options.consumer, 1)).length === 0) await options.sleep(options.pollMs);
        continue;
      }
      if (step.kind === 'claim') {
        if (!(await bus.claimIdle(BUS_STREAMS.windows, WATCHER_GROUP, options.consumer, options.claimIdleMs, id))) continue;
        options.log(`watch: window ${next.window}: claimed from ${step.holder}, idle ${(step.idleMs / 1000).toFixed(1)} s (XAUTOCLAIM)`);
      }
      if ((await decideHeldWindow(options, follower, next, policy, recorded)) === 'retry') {
        await options.sleep(options.pollMs);
        continue;
      }
      decided += 1;
    } catch (error) {
      if (isNoGroup(error)) {
        // Redis came back without its data between two polls, or someone deleted the stream: the group is made again.
        options.log(`watch: ${errorMessage(error)}: making the group again`);
        groupReady = false;
        continue;
      }
      if (!(error instanceof BusUnavailable)) throw error;
      if (!outage) options.log(`watch: ${error.message}; trying again every second`);
      outage = true;
      groupReady = false;
      await options.sleep(1000);
    }
  }
  return decided;
}
