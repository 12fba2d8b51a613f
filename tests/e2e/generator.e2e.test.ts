import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectOneLineUserError, makeTempDir, runScript } from '../helpers/runScript.ts';

const GENERATE = 'generator/src/cli.ts';
const temp = makeTempDir('generator-e2e');
afterAll(() => temp.cleanup());

describe('generate (real script)', () => {
  it('gives byte-identical CSVs for the same scenario, seed and rows in separate processes, and another file for another seed', () => {
    const first = join(temp.path, 'a.csv');
    const second = join(temp.path, 'b.csv');
    const third = join(temp.path, 'c.csv');
    expect(runScript(GENERATE, ['--scenario', 'drift_feature', '--rows', '800', '--seed', '11', '--out', first]).status).toBe(0);
    expect(runScript(GENERATE, ['--scenario', 'drift_feature', '--rows', '800', '--seed', '11', '--out', second]).status).toBe(0);
    expect(runScript(GENERATE, ['--scenario', 'drift_feature', '--rows', '800', '--seed', '12', '--out', third]).status).toBe(0);
    expect(readFileSync(first).equals(readFileSync(second))).toBe(true);
    expect(readFileSync(first).equals(readFileSync(third))).toBe(false);
    const metaA = JSON.parse(readFileSync(join(temp.path, 'a.meta.json'), 'utf8'));
    const metaB = JSON.parse(readFileSync(join(temp.path, 'b.meta.json'), 'utf8'));
    expect(metaA).toEqual(metaB);
    expect(readFileSync(first, 'utf8').trim().split('\n')).toHaveLength(801);
  });

  it('accepts a scenario file of the user\'s own through --config', () => {
    const configPath = join(temp.path, 'mine.yaml');
    writeFileSync(configPath, 'extends: base\nname: mine\ndescription: cheaper world\nfeatures:\n  transaction_amount: { multiplier: 0.5 }\n');
    const out = join(temp.path, 'mine.csv');
    const result = runScript(GENERATE, ['--config', configPath, '--rows', '50', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(temp.path, 'mine.meta.json'), 'utf8')).scenario).toBe('mine');
  });

  it('prints help', () => {
    const result = runScript(GENERATE, ['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--scenario');
  });

  describe('refuses bad input with one line, exit 2, and no file left behind', () => {
    const cases: { name: string; args: (dir: string) => string[]; setup?: (dir: string) => void; message: RegExp }[] = [
      { name: 'unknown scenario', args: (dir) => ['--scenario', 'nosuch', '--out', join(dir, 'x.csv')], message: /unknown scenario "nosuch" \(known: base,/ },
      { name: 'unreadable config', args: (dir) => ['--config', join(dir, 'missing.yaml'), '--out', join(dir, 'x.csv')], message: /scenario file not found: .*missing\.yaml/ },
      {
        name: 'invalid YAML',
        setup: (dir) => writeFileSync(join(dir, 'broken.yaml'), 'name: broken\nrows: [1, 2\n'),
        args: (dir) => ['--config', join(dir, 'broken.yaml'), '--out', join(dir, 'x.csv')],
        message: /broken\.yaml:\d+: invalid YAML/,
      },
      {
        name: 'a config key of the wrong type',
        setup: (dir) => writeFileSync(join(dir, 'wrongtype.yaml'), 'extends: base\nname: wrongtype\nfeatures:\n  is_international: { rate: "lots" }\n'),
        args: (dir) => ['--config', join(dir, 'wrongtype.yaml'), '--out', join(dir, 'x.csv')],
        message: /wrongtype\.yaml:4: features\.is_international\.rate: must be number/,
      },
      {
        name: 'an unknown config key',
        setup: (dir) => writeFileSync(join(dir, 'unknown.yaml'), 'extends: base\nname: unknown\nfraud_boost: 3\n'),
        args: (dir) => ['--config', join(dir, 'unknown.yaml'), '--out', join(dir, 'x.csv')],
        message: /unknown\.yaml:\d+: fraud_boost: unknown key/,
      },
      { name: 'rows = 0', args: (dir) => ['--scenario', 'base', '--rows', '0', '--out', join(dir, 'x.csv')], message: /--rows must be >= 1, got 0/ },
      { name: 'rows < 0', args: (dir) => ['--scenario', 'base', '--rows', '-5', '--out', join(dir, 'x.csv')], message: /--rows/ },
      { name: 'rows not a number', args: (dir) => ['--scenario', 'base', '--rows', 'many', '--out', join(dir, 'x.csv')], message: /--rows must be an integer, got "many"/ },
      { name: 'an unknown flag', args: (dir) => ['--scenario', 'base', '--colour', 'red', '--out', join(dir, 'x.csv')], message: /Unknown option '--colour'/ },
      { name: 'no scenario', args: (dir) => ['--out', join(dir, 'x.csv')], message: /give exactly one of --scenario NAME or --config PATH/ },
      {
        name: 'an unwritable output path',
        // A path under a regular file: unwritable even for root, where chmod is not enough.
        setup: (dir) => writeFileSync(join(dir, 'plainfile'), ''),
        args: (dir) => ['--scenario', 'base', '--rows', '10', '--out', join(dir, 'plainfile', 'x.csv')],
        message: /cannot create directory for .*plainfile\/x\.csv/,
      },
    ];
    for (const testCase of cases) {
      it(testCase.name, () => {
        const dir = join(temp.path, testCase.name.replace(/\W+/g, '-'));
        mkdirSync(dir, { recursive: true });
        testCase.setup?.(dir);
        const line = expectOneLineUserError(runScript(GENERATE, testCase.args(dir)));
        expect(line).toMatch(testCase.message);
        expect(existsSync(join(dir, 'x.csv'))).toBe(false);
        expect(readdirSync(dir).filter((file) => file.endsWith('.tmp') || file.endsWith('.csv') || file.endsWith('.json'))).toEqual([]);
      });
    }
  });

  it('keeps the previous file whole when a run fails', () => {
    const out = join(temp.path, 'keep.csv');
    expect(runScript(GENERATE, ['--scenario', 'base', '--rows', '20', '--out', out]).status).toBe(0);
    const before = readFileSync(out);
    expectOneLineUserError(runScript(GENERATE, ['--scenario', 'base', '--rows', 'x', '--out', out]));
    expect(readFileSync(out).equals(before)).toBe(true);
  });
});
