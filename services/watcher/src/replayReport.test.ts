import { describe, expect, it } from 'vitest';
import { phaseFigures, runTotals, type TimelinePhase } from './replayMetrics.ts';
import { aucAxisLow, dateOfDay, renderReplayHtml, type ReplayReportInput } from './replayReport.ts';
import type { WindowRecord } from './windowTypes.ts';

/** A calm window of day `day` on a timeline starting 2026-09-01; overrides say what happened. */
function windowOf(day: number, overrides: Partial<WindowRecord> = {}): WindowRecord {
  const date = dateOfDay('2026-09-01', day) as string;
  return {
    window: date, day, start: `${date}T00:00:00.000Z`, end: `${date}T23:59:59.999Z`, rows: 2000, labelled_rows: 1200,
    drift_share: 0.1, drifted_columns: [], severity: 'none', incident: 'none', action: 'noop', outcome: 'no_action',
    guardrail_skips: [], confidence: 0.9, serving_version: 1, serving_version_after: 1,
    hindsight_auc: 0.9, known_auc: 0.9, estimated_auc: null, estimate_check: null, approval: null, run_id: `run-${day}`, ...overrides,
  };
}

const PHASES: TimelinePhase[] = [
  { from_day: 0, to_day: 89, scenario: 'nodrift' },
  { from_day: 30, to_day: 89, scenario: 'drift_feature' },
  { from_day: 55, to_day: 55, scenario: 'shock_black_friday' },
];

/** 90 days whose AUC wobbles deterministically and sags by `sag` from day 30. */
function records(sag: number, events: Record<number, Partial<WindowRecord>> = {}): WindowRecord[] {
  return Array.from({ length: 90 }, (_, day) => windowOf(day, {
    hindsight_auc: 0.92 - (day >= 30 ? sag : 0) + ((day * 37) % 11) / 1000,
    drift_share: day >= 30 ? 0.4 : 0.05,
    ...events[day],
  }));
}

function input(runs: { label: string; records: WindowRecord[] }[], overrides: Partial<ReplayReportInput> = {}): ReplayReportInput {
  return {
    name: 'quarter', start: '2026-09-01', days: 90, phases: PHASES,
    runs: runs.map((run) => ({ ...run, totals: runTotals(run.records), phases: phaseFigures(run.records, PHASES) })),
    unauthorized: { policy: 0, never: 2 }, generatedAt: '2026-12-01T00:00:00Z', ...overrides,
  };
}

const policyRecords = records(0.03, {
  32: { incident: 'data_drift', action: 'retrain_and_evaluate', outcome: 'promoted' },
  40: { action: 'rollback', outcome: 'rolled_back' },
  50: { action: 'retrain_and_evaluate', outcome: 'blocked' },
  56: { action: 'escalate', outcome: 'pending_approval' },
  60: { action: 'retrain_and_evaluate', outcome: 'deferred', guardrail_skips: ['cooldown'] },
});
const threeRuns = input([
  { label: 'policy', records: policyRecords },
  { label: 'never', records: records(0.15) },
  { label: 'every_window', records: records(0) },
]);

describe('renderReplayHtml', () => {
  const html = renderReplayHtml(threeRuns);

  it('shades each non-base phase with its scenario name, in both charts, and lists every phase', () => {
    expect(html.match(/>drift_feature<\/text>/g)).toHaveLength(2);
    expect(html.match(/>shock_black_friday<\/text>/g)).toHaveLength(2);
    expect(html).not.toContain('>nodrift</text>');
    expect(html).toContain('<b>nodrift</b>: days 0–89 (2026-09-01 – 2026-11-29), base phase');
    expect(html).toContain('<b>shock_black_friday</b>: days 55–55 (2026-10-26 – 2026-10-26)');
  });

  it('draws one AUC line per run in its own colour', () => {
    const colours = [...html.matchAll(/<path d="[^"]*" fill="none" stroke="(#[0-9a-f]{6})"/g)].map((match) => match[1]);
    // Three AUC lines, then the policy's drift share in its colour.
    expect(colours).toEqual(['#4c78a8', '#f58518', '#54a24b', '#4c78a8']);
  });

  it('marks the policy\'s actions with a tooltip naming day, action and outcome', () => {
    expect(html).toContain('<title>day 32 (2026-10-03), window 2026-10-03: action retrain_and_evaluate, outcome promoted</title>▲');
    expect(html).toContain('outcome rolled_back</title>▼');
    expect(html).toContain('outcome blocked</title>×');
    expect(html).toContain('action escalate, outcome pending_approval</title>◆');
    expect(html).toContain('outcome deferred, held back by cooldown</title>○');
    expect(html.match(/<title>day /g)).toHaveLength(5);
  });

  it('starts the AUC axis at the lowest value floored to 0.05, and labels days with their dates', () => {
    // The never run's lowest is 0.92 − 0.15 + 0 = 0.77: the axis starts at 0.75.
    expect(html).toContain('>0.75</text>');
    expect(html).not.toContain('>0.70</text>');
    expect(html).toContain('>2026-10-01</text>');
    expect(html).toContain('>30</text>');
  });

  it('sets the runs side by side in the totals, with unauthorized actions per run', () => {
    expect(html).toContain('<th>policy</th><th>never</th><th>every_window</th>');
    expect(html).toContain('<tr><td>promotions</td><td class="num">1</td><td class="num">0</td><td class="num">0</td></tr>');
    expect(html).toContain('<tr><td>unauthorized actions</td><td class="num">0</td><td class="num">2</td><td class="num">—</td></tr>');
    expect(html).toContain('<tr><td>skipped by cooldown</td><td class="num">1</td><td class="num">0</td><td class="num">0</td></tr>');
  });

  it('gives each run its per-phase table', () => {
    expect(html).toContain('<h3>every_window</h3>');
    // The policy named an incident on day 32: two days into drift_feature.
    expect(html).toMatch(/<tr><td>drift_feature<\/td><td class="days">30–89<\/td><td>2<\/td>/);
  });

  it('escapes hostile labels and scenario names', () => {
    const hostile = renderReplayHtml(input([{ label: '<script>alert(1)</script>', records: policyRecords }], {
      name: 'q"1', phases: [...PHASES, { from_day: 70, to_day: 89, scenario: '<img src=x onerror=alert(1)>' }],
      unauthorized: { '<script>alert(1)</script>': 1 },
    }));
    expect(hostile).not.toContain('<script');
    expect(hostile).not.toContain('<img');
    expect(hostile).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(hostile).toContain('&lt;img src=x onerror=alert(1)&gt;</text>');
    expect(hostile).toContain('<title>DriftWatch replay: q&quot;1</title>');
  });

  it('does not take an inherited property for a run\'s unauthorized count', () => {
    const page = renderReplayHtml(input([{ label: 'constructor', records: records(0) }], { unauthorized: {} }));
    expect(page).toContain('<tr><td>unauthorized actions</td><td class="num">—</td></tr>');
  });

  it('is self-contained, compact and the same every time', () => {
    expect(html).not.toMatch(/<script|<link|src=|href=|url\(/);
    expect(html.length).toBeLessThan(150_000);
    expect(renderReplayHtml(threeRuns)).toBe(html);
  });
});

describe('axis helpers', () => {
  it('floors the AUC axis to 0.05 without floating-point slips, below 1', () => {
    expect(aucAxisLow([0.91, 0.85])).toBe(0.85);
    expect(aucAxisLow([0.8499])).toBe(0.8);
    expect(aucAxisLow([0.7])).toBe(0.7);
    expect(aucAxisLow([1])).toBe(0.95);
    expect(aucAxisLow([])).toBe(0.5);
  });

  it('dates a day index from the timeline\'s start', () => {
    expect(dateOfDay('2026-09-01', 30)).toBe('2026-10-01');
    expect(dateOfDay('not a date', 3)).toBeNull();
  });
});
