import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileContractSchema } from '../../services/core/src/domain/vocabularySchema.ts';
import { assertValid } from '../../services/core/src/infrastructure/jsonSchema.ts';
import summarySchema from '../../services/monitoring/schema/monitoring-summary.schema.json' with { type: 'json' };
import { expectOneLineUserError, makeTempDir, runScript } from '../helpers/runScript.ts';

const temp = makeTempDir('monitor-e2e');
const reference = join(temp.path, 'reference.csv');
const drifted = join(temp.path, 'drift.csv');
const registry = join(temp.path, 'registry');
const out = join(temp.path, 'reports');
afterAll(() => temp.cleanup());

const monitor = (args: string[]) => runScript('services/monitoring/src/cli.ts', args);
const validateSummary = compileContractSchema(summarySchema);

beforeAll(() => {
  expect(runScript('generator/src/cli.ts', ['--scenario', 'base', '--rows', '1500', '--out', reference]).status).toBe(0);
  expect(runScript('generator/src/cli.ts', ['--scenario', 'drift_feature', '--rows', '1200', '--out', drifted]).status).toBe(0);
  expect(runScript('services/training/src/cli.ts', ['--data', reference, '--model', 'lr', '--registry', registry]).status).toBe(0);
  expect(runScript('services/registry/src/cli.ts', ['--registry', registry, 'promote', 'v1', '--stage', 'Production']).status).toBe(0);
});

describe('monitor (real script)', () => {
  it('--help prints its usage and exits at once: the reader thread it starts first does not hold the process', () => {
    // Before the thread was let go until asked to read, --help printed and then never exited.
    const result = runScript('services/monitoring/src/cli.ts', ['--help'], { timeoutMs: 30_000 });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run --silent monitor/m);
  });

  it('writes a summary that meets its schema and a self-contained HTML report, with performance from the model', () => {
    const result = monitor(['--reference', reference, '--current', drifted, '--out', out, '--target', 'is_fraud', '--model', 'production', '--registry', registry, '--policy', 'policies/promotion.yaml']);
    expect(result.status, result.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(out, 'monitoring_summary.json'), 'utf8'));
    assertValid(validateSummary, summary, 'summary');
    expect(summary.status).toBe('ok');
    expect(summary.drift_by_columns.transaction_amount).toMatchObject({ column_name: 'transaction_amount', column_type: 'numerical', stattest_name: 'wasserstein', drift_detected: true });
    expect(summary.drift_by_columns.transaction_id).toBeUndefined();
    expect(summary.performance.source).toBe('model v1');
    expect(summary.prediction_drift.drift_detected).toBe(true);
    // Estimated without labels too (CBPE), from the isotonic calibration the artifact holds, with a band from reference chunks.
    expect(summary.estimated_performance).toMatchObject({ method: 'cbpe', source: 'model v1', calibration: { method: 'isotonic', fitted_on: 'validation', rows: 376 }, band: { chunks: 10, chunk_rows: 150, sigmas: 3 } });
    expect(summary.estimated_performance.current.roc_auc).toBeGreaterThan(0.7);
    expect(summary.reference).toMatchObject({ path: reference, rows: 1500 });
    expect(summary.policy.path).toBe('policies/promotion.yaml');
    const html = readFileSync(join(out, 'drift_report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html).toContain('<h2>Performance estimated without labels</h2>');
    expect(html).toMatch(/Calibration: isotonic, fitted on 376 validation rows/);
    expect(html).toContain('performance_policy.max_estimated_auc_drop');
    expect(html).not.toMatch(/<script|<link|https?:\/\/(?!www\.w3\.org)/);
    // most drifted first
    expect(html.indexOf('>merchant_risk_score<')).toBeLessThan(html.indexOf('>customer_age<'));
  });

  it('judges any pair of CSVs: every column a feature, numbers numerical, text categorical', () => {
    const a = join(temp.path, 'a.csv');
    const b = join(temp.path, 'b.csv');
    writeFileSync(a, `size,colour\n${Array.from({ length: 300 }, (_, i) => `${i % 50},${i % 3 === 0 ? 'red' : 'blue'}`).join('\n')}\n`);
    writeFileSync(b, `size,colour\n${Array.from({ length: 300 }, (_, i) => `${(i % 50) + 30},${i % 3 === 0 ? 'red' : 'blue'}`).join('\n')}\n`);
    const dir = join(temp.path, 'foreign');
    expect(monitor(['--reference', a, '--current', b, '--out', dir]).status).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'monitoring_summary.json'), 'utf8'));
    expect(summary.drift_by_columns.size).toMatchObject({ column_type: 'numerical', stattest_name: 'ks', drift_detected: true });
    expect(summary.drift_by_columns.colour).toMatchObject({ column_type: 'categorical', stattest_name: 'z', drift_detected: false });
  });

  it('says insufficient_data below min_samples', () => {
    const small = join(temp.path, 'small.csv');
    expect(runScript('generator/src/cli.ts', ['--scenario', 'drift_feature', '--rows', '50', '--out', small]).status).toBe(0);
    const dir = join(temp.path, 'small-out');
    expect(monitor(['--reference', reference, '--current', small, '--out', dir]).status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'monitoring_summary.json'), 'utf8'))).toMatchObject({ status: 'insufficient_data', dataset_drift: null });
  });

  describe('bad input: one line, exit 2, previous summary and report untouched', () => {
    const header = 'a,b\n';
    const cases: [string, () => string[], RegExp][] = [
      ['a missing file', () => ['--reference', join(temp.path, 'none.csv'), '--current', drifted], /cannot read .*none\.csv/],
      ['an empty file', () => ['--reference', write('empty.csv', ''), '--current', drifted], /empty\.csv: empty file/],
      ['a header only', () => ['--reference', write('header.csv', header), '--current', write('header2.csv', header)], /header\.csv: header only, no data rows/],
      ['a ragged row', () => ['--reference', write('ragged.csv', `${header}1,2\n3\n`), '--current', write('ok.csv', `${header}1,2\n`)], /ragged\.csv: line 3: expected 2 fields, found 1/],
      ['a ragged row in current', () => ['--reference', write('ok.csv', `${header}1,2\n`), '--current', write('ragged-current.csv', `${header}1,2\n3,4\n5\n`)], /ragged-current\.csv: line 4: expected 2 fields, found 1/],
      // Both files are read at once (the reference in a worker thread); the reference's error is the one said.
      ['a ragged row in both files', () => ['--reference', write('ragged.csv', `${header}1,2\n3\n`), '--current', write('ragged-current.csv', `${header}1,2\n3,4\n5\n`)], /ragged\.csv: line 3: expected 2 fields, found 1/],
      ['a column missing from current', () => ['--reference', write('two.csv', `${header}1,2\n`), '--current', write('one.csv', 'a\n1\n')], /one\.csv: missing column "b"/],
      ['an all-empty column', () => ['--reference', write('full.csv', `${header}1,2\n3,4\n`), '--current', write('hole.csv', `${header}1,\n3,\n`), '--policy', write('tiny.yaml', readFileSync('policies/promotion.yaml', 'utf8').replace('min_samples: 200', 'min_samples: 1'))], /hole\.csv: column "b" has no values/],
      ['a bad flag', () => ['--reference', reference, '--current', drifted, '--colour'], /Unknown option '--colour'/],
      ['an unknown column in a flag', () => ['--reference', reference, '--current', drifted, '--exclude', 'nope'], /no column "nope"/],
      ['an invalid policy', () => ['--reference', reference, '--current', drifted, '--policy', write('bad.yaml', 'version: 1\nquality_gates: { min_auc: high }\n')], /bad\.yaml:2: quality_gates\.min_auc: must be number/],
      ['a text target', () => ['--reference', reference, '--current', drifted, '--target', 'channel', '--prediction', 'transaction_hour'], /target column "channel" must hold 0 or 1/],
    ];
    function write(name: string, text: string): string {
      const path = join(temp.path, 'bad', name);
      mkdirSync(join(temp.path, 'bad'), { recursive: true });
      writeFileSync(path, text);
      return path;
    }
    for (const [name, args, message] of cases) {
      it(name, () => {
        const summaryBefore = readFileSync(join(out, 'monitoring_summary.json'));
        const reportBefore = readFileSync(join(out, 'drift_report.html'));
        expect(expectOneLineUserError(monitor([...args(), '--out', out]))).toMatch(message);
        expect(readFileSync(join(out, 'monitoring_summary.json')).equals(summaryBefore)).toBe(true);
        expect(readFileSync(join(out, 'drift_report.html')).equals(reportBefore)).toBe(true);
        expect(existsSync(join(out, 'monitoring_summary.json'))).toBe(true);
      });
    }
  });
});
