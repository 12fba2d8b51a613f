import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectOneLineUserError, makeTempDir, runScript } from '../helpers/runScript.ts';

const temp = makeTempDir('train-e2e');
const registry = join(temp.path, 'registry');
const data = join(temp.path, 'base.csv');
const drifted = join(temp.path, 'drift.csv');
afterAll(() => temp.cleanup());

beforeAll(() => {
  expect(runScript('generator/src/cli.ts', ['--scenario', 'base', '--rows', '1500', '--out', data]).status).toBe(0);
  expect(runScript('generator/src/cli.ts', ['--scenario', 'drift_feature', '--rows', '300', '--out', drifted]).status).toBe(0);
});

const train = (args: string[]) => runScript('services/training/src/cli.ts', ['--registry', registry, '--model', 'lr', ...args]);
const registryCli = (args: string[]) => runScript('services/registry/src/cli.ts', ['--registry', registry, ...args]);

describe('train, register, promote, score (real scripts)', () => {
  it('registers a version with metrics and lineage, promotes it, and scores a CSV with it', () => {
    const trained = train(['--data', data, '--seed', '3']);
    expect(trained.status, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout)).toMatchObject({ version: 1, model_type: 'lr' });
    const shown = JSON.parse(registryCli(['show', 'v1']).stdout);
    expect(shown).toMatchObject({ version: 1, stage: 'None', artifact_verified: true, seed: 3, training_data: { path: data, rows: 1500, scenario: 'base' } });
    expect(shown.metrics.validation.roc_auc).toBeGreaterThan(0.8);

    expect(registryCli(['promote', 'latest', '--stage', 'Production', '--reason', 'first model']).status).toBe(0);
    const scoredPath = join(temp.path, 'scored.csv');
    const scored = runScript('services/training/src/scoreCli.ts', ['--registry', registry, '--model', 'production', '--data', drifted, '--out', scoredPath]);
    expect(scored.status, scored.stderr).toBe(0);
    const lines = readFileSync(scoredPath, 'utf8').trim().split('\n');
    const input = readFileSync(drifted, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(301);
    expect(lines[0]).toBe(`${input[0]},prediction`);
    expect(lines[1]?.startsWith(`${input[1]},`)).toBe(true);
    const probability = Number(lines[1]?.split(',').at(-1));
    expect(probability).toBeGreaterThanOrEqual(0);
    expect(probability).toBeLessThanOrEqual(1);
  });

  it('a second training gives the byte-identical artifact; rollback and history --at follow the moves', () => {
    expect(train(['--data', data, '--seed', '3']).status).toBe(0);
    const first = readFileSync(join(registry, 'versions', 'v1', 'model.json'));
    const second = readFileSync(join(registry, 'versions', 'v2', 'model.json'));
    expect(second.equals(first)).toBe(true);
    const before = new Date().toISOString();
    expect(registryCli(['promote', 'v2', '--stage', 'Production']).status).toBe(0);
    expect(JSON.parse(registryCli(['show', 'v2']).stdout).parent_version).toBe(1);
    const rolledBack = registryCli(['rollback', '--json']);
    expect(rolledBack.status, rolledBack.stderr).toBe(0);
    expect(JSON.parse(rolledBack.stdout).map((entry: { version: number; to: string }) => [entry.version, entry.to])).toEqual([[2, 'Archived'], [1, 'Production']]);
    expect(JSON.parse(registryCli(['history', '--at', before, '--json']).stdout).production_version).toBe(1);
    expect(registryCli(['list']).stdout).toMatch(/v1\s+Production/);
  });

  it('archive sets aside a version that does not serve, as one move in the history; the Production version is refused', () => {
    expect(train(['--data', data, '--seed', '4']).status).toBe(0);
    const archived = registryCli(['archive', 'v3', '--reason', 'not needed', '--json']);
    expect(archived.status, archived.stderr).toBe(0);
    expect(JSON.parse(archived.stdout)).toEqual([expect.objectContaining({ version: 3, from: 'None', to: 'Archived', operation: 'archive', reason: 'not needed' })]);
    expect(expectOneLineUserError(registryCli(['archive', 'v1']))).toMatch(/v1 is in Production: promote another version or roll back/);
    expect(expectOneLineUserError(registryCli(['archive', 'v3']))).toMatch(/v3 is already Archived/);
  });

  describe('bad input: one line, exit 2, nothing half-written', () => {
    const header = 'transaction_amount,transaction_hour,customer_age,account_tenure_days,merchant_risk_score,geo_distance_km,is_international,merchant_category,channel,is_fraud';
    const write = (name: string, text: string): string => {
      const path = join(temp.path, name);
      writeFileSync(path, text);
      return path;
    };
    const versionsBefore = (): string[] => (existsSync(join(registry, 'versions')) ? readdirSync(join(registry, 'versions')).sort() : []);

    const trainingCases: [string, () => string[], RegExp][] = [
      ['missing column', () => ['--data', write('nocol.csv', 'transaction_amount,is_fraud\n1,0\n')], /nocol\.csv: missing column "transaction_hour"/],
      ['label not 0/1', () => ['--data', write('label.csv', `${header}\n${'10,3,40,100,0.2,5,0,grocery,pos,3\n'.repeat(300)}`)], /label\.csv: row 2: column "is_fraud" must be 1 \(positive\) or 0 \(negative\), found "3"/],
      ['one class only', () => ['--data', write('oneclass.csv', `${header}\n${'10,3,40,100,0.2,5,0,grocery,pos,0\n'.repeat(300)}`)], /oneclass\.csv: column "is_fraud" has one class only/],
      ['too few rows', () => ['--data', write('few.csv', `${header}\n10,3,40,100,0.2,5,0,grocery,pos,0\n10,3,40,100,0.2,5,0,grocery,pos,1\n`)], /few\.csv: 2 rows, fewer than the minimum of 200/],
      ['missing file', () => ['--data', join(temp.path, 'nothere.csv')], /cannot read .*nothere\.csv/],
      ['bad model flag', () => ['--data', data, '--model', 'xgboost'], /--model must be lr, rf or auto, got "xgboost"/],
    ];
    for (const [name, args, message] of trainingCases) {
      it(`train: ${name}`, () => {
        const before = versionsBefore();
        expect(expectOneLineUserError(train(args()))).toMatch(message);
        expect(versionsBefore()).toEqual(before);
      });
    }

    it('registry: an unknown version', () => {
      expect(expectOneLineUserError(registryCli(['promote', 'v99', '--stage', 'Production']))).toMatch(/unknown version v99/);
    });

    it('registry: promoting a version whose artifact was deleted', () => {
      expect(train(['--data', data, '--seed', '4']).status).toBe(0);
      const latest = Math.max(...versionsBefore().map((name) => Number(name.slice(1))));
      rmSync(join(registry, 'versions', `v${latest}`, 'model.json'));
      const history = readFileSync(join(registry, 'history.jsonl'), 'utf8');
      expect(expectOneLineUserError(registryCli(['promote', `v${latest}`, '--stage', 'Production']))).toMatch(/is missing \(deleted\?\)/);
      expect(readFileSync(join(registry, 'history.jsonl'), 'utf8')).toBe(history);
    });

    it('registry: a corrupt metadata file', () => {
      const corrupt = join(temp.path, 'corrupt-registry');
      runScript('services/training/src/cli.ts', ['--registry', corrupt, '--model', 'lr', '--data', data]);
      writeFileSync(join(corrupt, 'versions', 'v1', 'metadata.json'), '{ not json');
      expect(expectOneLineUserError(runScript('services/registry/src/cli.ts', ['--registry', corrupt, 'list']))).toMatch(/v1\/metadata\.json: unreadable or not valid JSON \(corrupt registry\)/);
    });

    it('score: no Production version', () => {
      const empty = join(temp.path, 'empty-registry');
      expect(expectOneLineUserError(runScript('services/training/src/scoreCli.ts', ['--registry', empty, '--data', data, '--out', join(temp.path, 'x.csv')]))).toMatch(/no version is in Production/);
      expect(existsSync(join(temp.path, 'x.csv'))).toBe(false);
    });

    it('registry: an unknown command and a bad stage', () => {
      expect(expectOneLineUserError(registryCli(['demote']))).toMatch(/unknown command "demote"/);
      expect(expectOneLineUserError(registryCli(['promote', 'v1', '--stage', 'Live']))).toMatch(/--stage must be Staging or Production/);
    });
  });
});
