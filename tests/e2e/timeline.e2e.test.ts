import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTimeline } from '../../generator/src/timelineFile.ts';
import { expectOneLineUserError, makeTempDir, runScript } from '../helpers/runScript.ts';

const GENERATE = 'generator/src/cli.ts';
const temp = makeTempDir('timeline-e2e');
afterAll(() => temp.cleanup());

const SMALL = `name: small
description: ten days, feature drift ramping in, a surge on day 7
start: "2026-12-28"
days: 10
rows_per_day: 120
seed: 3
reference: { scenario: base, rows: 400 }
label_delay_days: { min: 1, max: 4 }
phases:
  - { from_day: 0, to_day: 9, scenario: nodrift }
  - { from_day: 3, to_day: 9, scenario: drift_feature, ramp_days: 3 }
  - { from_day: 7, to_day: 7, scenario: shock_black_friday, overrides: { rows: 1400 } }
`;

function tree(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(directory, relative), { withFileTypes: true })) {
      const path = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path);
      else files[path] = createHash('sha256').update(readFileSync(join(directory, path))).digest('hex');
    }
  };
  walk('');
  return files;
}

const csvRows = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').slice(1).map((line) => line.split(','));

describe('generate --timeline (real script)', () => {
  const spec = join(temp.path, 'small.yaml');
  writeFileSync(spec, SMALL);
  const first = join(temp.path, 'out-a');
  const second = join(temp.path, 'out-b');

  it('writes the days, the labels by arrival day and the meta; the same seed gives byte-identical files', () => {
    for (const out of [first, second]) {
      const result = runScript(GENERATE, ['--timeline', spec, '--out', out]);
      expect(result.status, result.stderr).toBe(0);
    }
    expect(tree(first)).toEqual(tree(second));
    const other = join(temp.path, 'out-c');
    writeFileSync(join(temp.path, 'seed4.yaml'), SMALL.replace('seed: 3', 'seed: 4'));
    expect(runScript(GENERATE, ['--timeline', join(temp.path, 'seed4.yaml'), '--out', other]).status).toBe(0);
    expect(readFileSync(join(other, 'transactions/2026-12-28.csv')).equals(readFileSync(join(first, 'transactions/2026-12-28.csv')))).toBe(false);
  });

  it('one file per day, dated across the year end, without the label; the surge day is a surge', () => {
    const days = readdirSync(join(first, 'transactions')).sort();
    expect(days).toEqual(['2026-12-28', '2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02', '2027-01-03', '2027-01-04', '2027-01-05', '2027-01-06'].map((date) => `${date}.csv`));
    const header = readFileSync(join(first, 'transactions', days[0] as string), 'utf8').split('\n')[0] as string;
    expect(header.split(',')).not.toContain('is_fraud');
    const counts = days.map((file) => csvRows(join(first, 'transactions', file)).length);
    expect(counts[0]).toBe(120);
    expect(counts[7]).toBe(Math.round(120 * (1400 / 1) / (5000 / 28)));
    for (const [index, file] of days.entries()) {
      const times = csvRows(join(first, 'transactions', file)).map((row) => row[1] as string);
      expect(times.every((time) => time.startsWith(file.slice(0, 10))), file).toBe(true);
      expect([...times].sort()).toEqual(times);
      expect(counts[index]).toBeGreaterThan(0);
    }
  });

  it('every transaction\'s label arrives once, within the declared delay, never before its event', () => {
    const events = new Map<string, number>();
    for (const file of readdirSync(join(first, 'transactions'))) for (const row of csvRows(join(first, 'transactions', file))) events.set(row[0] as string, Date.parse(row[1] as string));
    const seen = new Set<string>();
    for (const file of readdirSync(join(first, 'labels'))) {
      expect(readFileSync(join(first, 'labels', file), 'utf8').split('\n')[0]).toBe('transaction_id,is_fraud,label_time');
      for (const [id, label, time] of csvRows(join(first, 'labels', file))) {
        expect(seen.has(id as string)).toBe(false);
        seen.add(id as string);
        expect(['0', '1']).toContain(label);
        expect((time as string).slice(0, 10)).toBe(file.slice(0, 10));
        const delayDays = (Date.parse(time as string) - (events.get(id as string) as number)) / 86_400_000;
        expect(delayDays).toBeGreaterThanOrEqual(1 - 1e-6);
        expect(delayDays).toBeLessThanOrEqual(4 + 1e-6);
      }
    }
    expect(seen.size).toBe(events.size);
  });

  it('the meta resolves the phases and holds the sha256 of every file', () => {
    const meta = JSON.parse(readFileSync(join(first, 'timeline.meta.json'), 'utf8')) as { day_summaries: { layers: { scenario: string; weight: number }[] }[]; files: Record<string, string> };
    expect(meta.day_summaries[4]?.layers).toEqual([{ phase: 0, scenario: 'nodrift', weight: 1 }, { phase: 1, scenario: 'drift_feature', weight: 0.666667 }]);
    const written = tree(first);
    for (const [path, sha] of Object.entries(meta.files)) expect(written[path], path).toBe(sha);
    expect(Object.keys(written).filter((path) => path !== 'timeline.meta.json').sort()).toEqual(Object.keys(meta.files).sort());
    expect(Object.keys(meta.files).filter((path) => path.startsWith('labels/')).length).toBeGreaterThanOrEqual(10);
  });

  it('a bad timeline is one line naming file, line and key, and nothing is written or lost', () => {
    const bad = join(temp.path, 'bad.yaml');
    writeFileSync(bad, SMALL.replace('to_day: 7, scenario: shock', 'to_day: 12, scenario: shock'));
    const fresh = join(temp.path, 'never');
    expect(expectOneLineUserError(runScript(GENERATE, ['--timeline', bad, '--out', fresh]))).toBe(`generate: error: ${bad}:12: phases[2].to_day: must be < days (10): the days are 0 to 9`);
    expect(existsSync(fresh)).toBe(false);
    const before = tree(first);
    expect(expectOneLineUserError(runScript(GENERATE, ['--timeline', bad, '--out', first]))).toMatch(/phases\[2\]\.to_day/);
    expect(tree(first)).toEqual(before);
    mkdirSync(join(temp.path, 'x'), { recursive: true });
    expect(expectOneLineUserError(runScript(GENERATE, ['--timeline', 'no_such_timeline', '--out', join(temp.path, 'x', 'y')]))).toMatch(/unknown timeline "no_such_timeline" \(known: calm, live, quarter/);
    expect(expectOneLineUserError(runScript(GENERATE, ['--timeline', spec, '--seed', '3', '--out', fresh]))).toBe('generate: error: --timeline takes no --seed (the timeline file says it)');
  });

  it('--out is replaced whole, so it must be new or an earlier output: a file or a folder of the user\'s is refused, nothing deleted', () => {
    const afile = join(temp.path, 'afile.txt');
    writeFileSync(afile, 'keep me');
    expect(expectOneLineUserError(runScript(GENERATE, ['--timeline', spec, '--out', afile]))).toBe(`generate: error: --out ${afile}: is a file; give a directory for the timeline (it is replaced whole)`);
    expect(readFileSync(afile, 'utf8')).toBe('keep me');
    const project = join(temp.path, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'small.yaml'), SMALL);
    expect(expectOneLineUserError(runScript(GENERATE, ['--timeline', join(project, 'small.yaml'), '--out', project]))).toMatch(/holds other files \(the timeline itself\) and no timeline\.meta\.json/);
    expect(readFileSync(join(project, 'small.yaml'), 'utf8')).toBe(SMALL);
    // A trailing slash names the same directory; a staging folder left by a killed run is cleared.
    const slashed = join(temp.path, 'slashed');
    const deadPid = spawnSync('true').pid as number;
    mkdirSync(`${slashed}.partial-${deadPid}`, { recursive: true });
    const result = runScript(GENERATE, ['--timeline', spec, '--out', `${slashed}/`]);
    expect(result.status, result.stderr).toBe(0);
    expect(tree(slashed)).toEqual(tree(first));
    expect(existsSync(`${slashed}.partial-${deadPid}`)).toBe(false);
  });

  it('the shipped timelines load: quarter (90 days, the shock a surge) and the calm 30-day control', () => {
    const quarter = loadTimeline('quarter');
    expect(quarter.days).toHaveLength(90);
    expect(quarter.days[55]?.rows).toBeGreaterThan(20 * 2000);
    const calm = loadTimeline('calm');
    expect(calm.days).toHaveLength(30);
    expect(calm.days.every((day) => day.layers.length === 1 && day.layers[0]?.scenario === 'nodrift')).toBe(true);
  });
});
