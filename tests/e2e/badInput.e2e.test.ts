import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectOneLineUserError, makeTempDir, runScript, type ScriptResult } from '../helpers/runScript.ts';

/**
 * Hostile or mistaken input, through the real scripts: each is refused with one line on
 * stderr that names the file, key or column and row, exit 2, and nothing is written.
 */

const GENERATE = 'generator/src/cli.ts';
const TRAIN = 'services/training/src/cli.ts';
const SCORE = 'services/training/src/scoreCli.ts';
const REGISTRY = 'services/registry/src/cli.ts';
const MONITOR = 'services/monitoring/src/cli.ts';

const temp = makeTempDir('bad-input-e2e');
const reference = join(temp.path, 'reference.csv');
afterAll(() => temp.cleanup());

beforeAll(() => {
  expect(runScript(GENERATE, ['--scenario', 'base', '--rows', '300', '--out', reference]).status).toBe(0);
});

/** A fresh, empty directory for one case, so that "nothing written" is checkable. */
function caseDirectory(name: string): string {
  const path = join(temp.path, name.replace(/\W+/g, '-'));
  mkdirSync(path, { recursive: true });
  return path;
}

function refusedLine(result: ScriptResult): string {
  const line = expectOneLineUserError(result);
  expect(line).not.toMatch(/\.tmp\b/);
  return line;
}

/** Nested anchors: nine aliases a level, seven levels, 9^7 strings once expanded. */
const ALIAS_BOMB = [
  'name: bomb',
  'a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]',
  ...['b', 'c', 'd', 'e', 'f', 'g'].map((name, index) => {
    const previous = String.fromCharCode('a'.charCodeAt(0) + index);
    return `${name}: &${name} [${Array.from({ length: 9 }, () => `*${previous}`).join(', ')}]`;
  }),
  '',
].join('\n');

describe('bad input is one line, exit 2, nothing written (real scripts)', () => {
  it('a YAML alias bomb in a scenario config is refused by file name', () => {
    const dir = caseDirectory('alias bomb');
    writeFileSync(join(dir, 'bomb.yaml'), ALIAS_BOMB);
    const line = refusedLine(runScript(GENERATE, ['--config', join(dir, 'bomb.yaml'), '--out', join(dir, 'x.csv')]));
    expect(line).toMatch(/bomb\.yaml: invalid YAML: Excessive alias count/);
    expect(readdirSync(dir)).toEqual(['bomb.yaml']);
  });

  it('--out under /proc fails at once instead of hanging', () => {
    const started = performance.now();
    const missing = refusedLine(runScript(GENERATE, ['--scenario', 'base', '--rows', '10', '--out', '/proc/driftwatch/x.csv']));
    expect(missing).toMatch(/cannot create directory for \/proc\/driftwatch\/x\.csv/);
    const self = refusedLine(runScript(GENERATE, ['--scenario', 'base', '--rows', '10', '--out', '/proc/self/x.csv']));
    expect(self).toMatch(/cannot write \/proc\/self\/x\.csv: cannot create a file in \/proc\/self/);
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('--out naming an existing directory says so, for the generator and for score', () => {
    const dir = caseDirectory('out is a directory');
    mkdirSync(join(dir, 'taken.csv'));
    const generated = refusedLine(runScript(GENERATE, ['--scenario', 'base', '--rows', '10', '--out', join(dir, 'taken.csv')]));
    expect(generated).toMatch(/taken\.csv is a directory/);
    expect(readdirSync(dir)).toEqual(['taken.csv']);
    expect(readdirSync(join(dir, 'taken.csv'))).toEqual([]);
  });

  it('a policy with 250,000 column keys is refused at once, by file name', () => {
    const dir = caseDirectory('huge policy');
    const base = readFileSync('policies/promotion.yaml', 'utf8');
    const columns = Array.from({ length: 250_000 }, (_, index) => `    c${index}: { exclude: true }`).join('\n');
    const policy = join(dir, 'huge.yaml');
    writeFileSync(policy, base.replace(/^ {2}columns: \{\}.*$/m, `  columns:\n${columns}`));
    const started = performance.now();
    const line = refusedLine(runScript(MONITOR, ['--reference', reference, '--current', reference, '--policy', policy, '--out', join(dir, 'reports')]));
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(line).toMatch(/huge\.yaml: .*1 MiB/);
    expect(readdirSync(dir)).toEqual(['huge.yaml']);
  });

  it('a duplicate key in a policy is still refused with its line', () => {
    const dir = caseDirectory('duplicate key');
    const base = readFileSync('policies/promotion.yaml', 'utf8');
    const policy = join(dir, 'dup.yaml');
    writeFileSync(policy, base.replace(/^ {2}columns: \{\}.*$/m, '  columns:\n    amount: { exclude: true }\n    amount: { exclude: false }'));
    const line = refusedLine(runScript(MONITOR, ['--reference', reference, '--current', reference, '--policy', policy, '--out', join(dir, 'reports')]));
    expect(line).toMatch(/dup\.yaml:19: invalid YAML: Map keys must be unique/);
    expect(readdirSync(dir)).toEqual(['dup.yaml']);
  });

  it('a misspelled column under drift_policy.columns is refused by the monitor, naming the policy file, line, key and the close match', () => {
    const dir = caseDirectory('misspelled policy column');
    const base = readFileSync('policies/promotion.yaml', 'utf8');
    const policy = join(dir, 'typo.yaml');
    writeFileSync(policy, base.replace(/^ {2}columns: \{\}.*$/m, '  columns:\n    transaction_amout: { exclude: true }'));
    const line = refusedLine(runScript(MONITOR, ['--reference', reference, '--current', reference, '--policy', policy, '--out', join(dir, 'reports')]));
    expect(line).toMatch(/typo\.yaml:18: drift_policy\.columns\.transaction_amout: no column "transaction_amout" in .*reference\.csv .*did you mean "transaction_amount"\?/);
    expect(readdirSync(dir)).toEqual(['typo.yaml']);
  });

  it('a global stattest that does not fit a column\'s type is refused by the monitor, naming the key, the column and its type', () => {
    const dir = caseDirectory('stattest of the wrong type');
    const base = readFileSync('policies/promotion.yaml', 'utf8');
    const policy = join(dir, 'chisquare.yaml');
    writeFileSync(policy, base.replace(/^ {2}# stattest: psi.*$/m, '  stattest: chisquare'));
    const line = refusedLine(runScript(MONITOR, ['--reference', reference, '--current', reference, '--policy', policy, '--out', join(dir, 'reports')]));
    expect(line).toMatch(/chisquare\.yaml:16: drift_policy\.stattest: chisquare does not apply to numerical column "transaction_amount" \(Evidently allows it for categorical columns only/);
    expect(readdirSync(dir)).toEqual(['chisquare.yaml']);
  });

  it('--registry naming a regular file is refused by path, for train, score and the registry', () => {
    const dir = caseDirectory('registry is a file');
    const file = join(dir, 'registry');
    writeFileSync(file, '');
    const runs: [string, string[]][] = [
      [TRAIN, ['--data', reference, '--model', 'lr', '--registry', file]],
      [SCORE, ['--data', reference, '--out', join(dir, 'scored.csv'), '--registry', file]],
      [REGISTRY, ['list', '--registry', file]],
      [REGISTRY, ['rollback', '--registry', file]],
    ];
    for (const [script, args] of runs) {
      expect(refusedLine(runScript(script, args))).toMatch(/--registry .*registry-is-a-file\/registry is not a directory/);
    }
    expect(readdirSync(dir)).toEqual(['registry']);
  });

  it('--rows -1 gets the generator\'s own range error, not "ambiguous"', () => {
    const dir = caseDirectory('negative rows');
    expect(refusedLine(runScript(GENERATE, ['--scenario', 'base', '--rows', '-1', '--out', join(dir, 'x.csv')]))).toMatch(/--rows must be >= 1, got -1/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('text in a numeric column names the value and its row', () => {
    const dir = caseDirectory('text in numbers');
    const lines = readFileSync(reference, 'utf8').split('\n');
    const amount = (lines[0] as string).split(',').indexOf('transaction_amount');
    const cells = (lines[5] as string).split(',');
    cells[amount] = 'lots';
    lines[5] = cells.join(',');
    const data = join(dir, 'bad.csv');
    writeFileSync(data, lines.join('\n'));
    const line = refusedLine(runScript(TRAIN, ['--data', data, '--model', 'lr', '--registry', join(dir, 'registry')]));
    expect(line).toMatch(/bad\.csv: row 6: column "transaction_amount" must be numeric, found "lots"/);
    expect(readdirSync(dir)).toEqual(['bad.csv']);
  });

  it('registry history --at blames --at', () => {
    const dir = caseDirectory('history at');
    expect(refusedLine(runScript(REGISTRY, ['history', '--at', 'x', '--registry', join(dir, 'registry')]))).toMatch(/--at must be an ISO 8601 time, got "x"/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
