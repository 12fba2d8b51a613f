import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../tests/helpers/runScript.ts';
import { loadScenarioFile, scenarioPath } from './scenarioConfig.ts';
import { blendValues, dateOfDay, phaseProblem, rampWeight, resolveDay, volumeRatio } from './timelineDays.ts';
import { loadTimeline } from './timelineFile.ts';

const temp = makeTempDir('timeline');
afterAll(() => temp.cleanup());

const base = loadScenarioFile(scenarioPath('base'));
const shock = loadScenarioFile(scenarioPath('shock_black_friday'));

describe('a timeline day by day', () => {
  it('ramps a phase in linearly over its ramp days, then holds it', () => {
    const phase = { from_day: 30, ramp_days: 10 };
    expect([29, 30, 34, 39, 45].map((day) => (day < 30 ? 0 : rampWeight(phase, day)))).toEqual([0, 0.1, 0.5, 1, 1]);
    expect(rampWeight({ from_day: 5, ramp_days: 0 }, 5)).toBe(1);
  });

  it('blends numbers, the hour profile and category weights; what cannot blend is the phase\'s', () => {
    const before = { multiplier: 1, hour_weights: [1, 3], weights: { a: 1, b: 1 }, name: 'x', spike_hours: [20] };
    const after = { multiplier: 2, hour_weights: [3, 1], weights: { a: 3, c: 2 }, name: 'y', spike_hours: [21] };
    expect(blendValues(before, after, 0.5)).toEqual({ multiplier: 1.5, hour_weights: [2, 2], weights: { a: 2, c: 1, b: 0.5 }, name: 'y', spike_hours: [21] });
    expect(blendValues(before, after, 1)).toBe(after);
  });

  it('scales a day\'s rows by the scenario\'s volume over base\'s: black friday is a surge', () => {
    expect(volumeRatio(base, base)).toBe(1);
    expect(volumeRatio(shock, base)).toBeCloseTo(7000 / (5000 / 28), 9);
  });

  it('lays a later phase\'s own keys over the day: concept drift keeps the feature drift under it', () => {
    const timeline = loadTimeline('quarter');
    const day = (index: number) => timeline.days[index]!;
    expect(day(29).config.features.transaction_amount.multiplier).toBe(1);
    expect(day(34).config.features.transaction_amount.multiplier).toBeCloseTo(1.3, 9);
    expect(day(70).config.features.transaction_amount.multiplier).toBeCloseTo(1.6, 9);
    expect(day(70).config.label.weights.international).toBe(-1);
    expect(day(55).rows).toBe(Math.round(2000 * volumeRatio(shock, base)));
    expect(day(55).config.spike?.hours).toEqual([20, 21, 22, 23]);
    expect(day(56).config.spike).toBeUndefined();
    expect(day(0).date).toBe('2026-09-01');
    expect(day(89).config.time).toEqual({ start: '2026-11-29', days: 1 });
    expect(dateOfDay('2026-12-31', 1)).toBe('2027-01-01');
  });

  it('refuses phases that cannot be what was meant', () => {
    expect(phaseProblem([{ from_day: 3, to_day: 2, ramp_days: 0 }], 10)?.message).toBe('must be >= from_day (3)');
    expect(phaseProblem([{ from_day: 0, to_day: 10, ramp_days: 0 }], 10)?.message).toBe('must be < days (10): the days are 0 to 9');
    expect(phaseProblem([{ from_day: 1, to_day: 9, ramp_days: 0 }], 10)?.message).toMatch(/^day 0 is in no phase/);
    expect(phaseProblem([{ from_day: 0, to_day: 9, ramp_days: 0 }, { from_day: 0, to_day: 9, ramp_days: 0 }], 10)?.message).toMatch(/^sets nothing that shows on any of its days \(0-9\)/);
    // A later phase still ramping in leaves the earlier one showing through.
    expect(phaseProblem([{ from_day: 0, to_day: 9, ramp_days: 0 }, { from_day: 0, to_day: 9, ramp_days: 3 }], 10)).toBeUndefined();
    // A ramp needs something under it on every day it ramps over.
    expect(phaseProblem([{ from_day: 0, to_day: 2, ramp_days: 0 }, { from_day: 3, to_day: 5, ramp_days: 3 }], 6)?.message).toMatch(/^ramps over day 3, where no earlier phase lies under it/);
    // Keys: a phase over another shows where a key of its own is not replaced by a later one.
    const keyed = (keys: string[], from = 0) => ({ from_day: from, to_day: 5, ramp_days: 0, keys, baseKeys: ['a', 'b', 'c'] });
    expect(phaseProblem([keyed(['a', 'b', 'c']), keyed(['a']), keyed(['b'])], 6)).toBeUndefined();
    expect(phaseProblem([keyed(['a', 'b', 'c']), keyed(['a']), keyed(['a', 'b'])], 6)?.pathKeys).toEqual(['phases', 1]);
  });

  it('a phase that keeps its parent\'s volume keeps the surge under it (concept drift over a black friday)', () => {
    const path = join(temp.path, 'surge.yaml');
    writeFileSync(path, 'name: surge\nstart: "2026-01-01"\ndays: 3\nrows_per_day: 10\nseed: 5\nreference: { scenario: base, rows: 20 }\nlabel_delay_days: { min: 1, max: 2 }\nphases:\n  - { from_day: 0, to_day: 2, scenario: shock_black_friday }\n  - { from_day: 1, to_day: 2, scenario: drift_concept }\n');
    const days = loadTimeline(path).days;
    expect(days.map((day) => day.rows)).toEqual([392, 392, 392]);
    expect(days[1]?.config.label.weights.international).toBe(-1);
  });

  it('resolves no day outside every phase', () => {
    expect(resolveDay([], 0, '2026-01-01', 10)).toBeUndefined();
  });
});

describe('a timeline file with a mistake is refused in one line naming file, line and key', () => {
  const write = (name: string, text: string) => {
    const path = join(temp.path, `${name}.yaml`);
    writeFileSync(path, text);
    return path;
  };
  const valid = `name: small
start: "2026-09-01"
days: 10
rows_per_day: 50
seed: 1
reference: { scenario: base, rows: 300 }
label_delay_days: { min: 1, max: 3 }
phases:
  - { from_day: 0, to_day: 9, scenario: nodrift }
  - { from_day: 5, to_day: 9, scenario: drift_feature, ramp_days: 2 }
`;

  it('loads the valid one', () => {
    expect(loadTimeline(write('valid', valid)).days).toHaveLength(10);
  });

  it.each([
    ['an unknown scenario', valid.replace('scenario: drift_feature', 'scenario: drift_fature'), /:10: phases\[1\]\.scenario: unknown scenario "drift_fature" \(known: base, /],
    ['a negative delay', valid.replace('min: 1', 'min: -1'), /:7: label_delay_days\.min: must be >= 0$/],
    ['days <= 0', valid.replace('days: 10', 'days: 0'), /:3: days: must be >= 1$/],
    ['a phase past the last day', valid.replace('to_day: 9, scenario: drift', 'to_day: 12, scenario: drift'), /:10: phases\[1\]\.to_day: must be < days \(10\)/],
    ['a phase ending before it starts', valid.replace('from_day: 5', 'from_day: 9').replace('to_day: 9, scenario: drift', 'to_day: 6, scenario: drift'), /:10: phases\[1\]\.to_day: must be >= from_day \(9\)$/],
    ['a phase hidden by a later one', `${valid}  - { from_day: 0, to_day: 9, scenario: base }\n`, /:10: phases\[1\]: sets nothing that shows on any of its days \(5-9\)/],
    ['a ramp with nothing under it', valid.replace('from_day: 0, to_day: 9, scenario: nodrift', 'from_day: 0, to_day: 4, scenario: nodrift'), /:10: phases\[1\]\.ramp_days: ramps over day 5, where no earlier phase lies under it/],
    ['a day its phases make invalid together', valid.replace('scenario: nodrift }', 'scenario: nodrift, overrides: { features: { customer_age: { min: 70 } } } }').replace('ramp_days: 2 }', 'ramp_days: 2, overrides: { features: { customer_age: { max: 60 } } } }'), /:8: phases: day 6 \(2026-09-07, phases 0, 1\): features\.customer_age: min must be <= max$/],
    ['a date that is not one', valid.replace('"2026-09-01"', '"2026-02-30"'), /:2: start: "2026-02-30" is not a date/],
    ['days that end past the year 9999', valid.replace('"2026-09-01"', '"9999-12-30"'), /:2: start: "9999-12-30" is not a date, or its 10 days end past the year 9999$/],
    ['a day of more rows than a day may have', valid.replace('scenario: drift_feature, ramp_days: 2', 'scenario: drift_feature, ramp_days: 2, overrides: { rows: 100000000000 }'), /:8: phases: day 5 \(2026-09-06, phases 0, 1\): \d+ rows, more than the 2,000,000 a day may have$/],
    ['a delay range upside down', valid.replace('max: 3', 'max: 0.5'), /:7: label_delay_days\.max: must be >= min \(1\)$/],
    ['an override the scenario schema refuses', valid.replace('scenario: drift_feature, ramp_days: 2', 'scenario: drift_feature, overrides: { features: { is_international: { rate: 2 } } }'), /:10: phases\[1\]\.overrides: features\.is_international\.rate: must be <= 1$/],
  ])('%s', (name, text, message) => {
    expect(() => loadTimeline(write(`small-${name.replace(/\W+/g, '-')}`, text))).toThrow(message);
  });
});
