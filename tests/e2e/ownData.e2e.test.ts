import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApiApp } from '../../services/api/src/app.ts';
import { allColumnsOf, featureNames, loadDatasetSpec, parseDatasetSpec } from '../../services/core/src/domain/datasetSpec.ts';
import { expectOneLineUserError, makeTempDir, REPO_ROOT, runScript } from '../helpers/runScript.ts';
import { OWN_TABLE_TRAITS, writeOwnDataTable, type OwnTableFiles, type OwnTableName } from '../helpers/ownDataTables.ts';

/*
 * The whole chain on two generated tables no product code knows (make demo-own's script,
 * then scoring and the API on the model it promoted): their columns, label words and
 * missing values come from their dataset specs alone.
 */

const temp = makeTempDir('own-data');
afterAll(() => temp.cleanup());

const fraud = loadDatasetSpec('fraud').spec;
const FRAUD_COLUMNS = allColumnsOf(fraud);

/**
 * The repository's policy with a team's own limits: AUC floors for these tables (the
 * shipped ones are the fraud model's), and room for churn's column that is empty for a
 * fifth of the customers in reference and current alike (no internet service).
 */
function ownPolicy(): string {
  const path = join(temp.path, 'own-policy.yaml');
  const text = readFileSync(join(REPO_ROOT, 'policies/promotion.yaml'), 'utf8')
    .replace(/min_auc: 0\.82/g, 'min_auc: 0.70');
  writeFileSync(path, `${text}\ndata_quality_policy: { max_missing_share: 0.3 }\n`);
  return path;
}

function demoOwn(files: OwnTableFiles, workspace: string, policy: string) {
  const result = spawnSync('bash', [join(REPO_ROOT, 'infra/demo-own.sh'), files.spec, files.reference, files.current, workspace], {
    cwd: REPO_ROOT, env: { ...process.env, POLICY: policy }, encoding: 'utf8', timeout: 180_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

describe.each(['credit', 'churn'] as OwnTableName[])('make demo-own on the generated %s table', (name) => {
  const workspace = join(temp.path, `${name}-ws`);
  let files: OwnTableFiles;
  let demo: ReturnType<typeof demoOwn>;

  beforeAll(() => {
    files = writeOwnDataTable(join(temp.path, name), name, { referenceRows: 3000, currentRows: 2500 });
    demo = demoOwn(files, workspace, ownPolicy());
  }, 240_000);

  it('runs train -> promote -> monitor -> control and prints what happened', () => {
    expect(demo.status, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('=== demo-own: what happened ===');
    expect(demo.stdout).toMatch(/^Verified : \d action\(s\) of the control plane checked against .*, 0 unauthorized/m);
    expect(demo.stderr).toMatch(new RegExp(`train: registered v1 \\((lr|rf), by roc_auc, dataset ${name}\\)`));
  });

  it('registers the model with its dataset spec and the spec\'s sha256', () => {
    const metadata = readJson<{ dataset: { name: string; sha256: string } }>(join(workspace, 'registry/versions/v1/metadata.json'));
    expect(metadata.dataset.name).toBe(name);
    expect(metadata.dataset.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('monitors the spec\'s features, reads the label words, and counts the missing values', () => {
    const summary = readJson<{
      dataset: { name: string }; columns: { features: string[]; excluded: string[] };
      performance: { current: { rows: number; positives: number } } | null;
      data_quality: { columns: Record<string, { current_missing_share?: number; reference_missing_share?: number }> };
      drift_by_columns: Record<string, { drift_detected: boolean }>;
    }>(join(workspace, 'reports/monitoring_summary.json'));
    expect(summary.dataset.name).toBe(name);
    expect([...summary.columns.features].sort()).toEqual([...files.featureNames].sort());
    expect(summary.columns.excluded).toContain(files.targetColumn);
    expect(summary.performance?.current.positives).toBeGreaterThan(0);
    const traits = OWN_TABLE_TRAITS[name];
    for (const column of Object.keys(traits.missingRates)) {
      const quality = summary.data_quality.columns[column] as Record<string, number>;
      expect(JSON.stringify(quality), column).toMatch(/missing/);
      expect(Object.entries(quality).some(([key, value]) => /missing/.test(key) && typeof value === 'number' && value > 0), column).toBe(true);
    }
    for (const column of traits.shiftedNumerical) expect(summary.drift_by_columns[column]?.drift_detected, column).toBe(true);
  });

  it('decides under the policy, with every step written down', () => {
    const sentinel = readJson<{ incident_type: string; severity: string }>(join(workspace, 'events/sentinel_report.json'));
    const plan = readJson<{ action: string; policy_rule: string }>(join(workspace, 'events/execution_plan.json'));
    const release = readJson<{ outcome: string }>(join(workspace, 'events/release_result.json'));
    // Covariate drift on a few columns: the severity's rule of drift_policy decides, and the release follows the plan.
    expect(sentinel.incident_type).toBe('data_drift');
    expect(plan.policy_rule).toBe(`drift_policy.on_${sentinel.severity}`);
    expect(release.outcome).toEqual(plan.action === 'retrain_and_evaluate' ? expect.stringMatching(/^(promoted|blocked)$/) : 'no_action');
    expect(runScript('services/control_plane/src/auditVerifyCli.ts', ['--events', join(workspace, 'events'), '--registry', join(workspace, 'registry')]).status).toBe(0);
  });

  it('no fraud column name appears in anything the chain wrote', () => {
    const written = filesUnder(workspace).filter((path) => /\.(json|jsonl|html|yaml)$/.test(path));
    expect(written.length).toBeGreaterThan(5);
    for (const path of written) {
      const text = readFileSync(path, 'utf8');
      for (const column of FRAUD_COLUMNS) expect(text.includes(`"${column}"`) || text.includes(`>${column}<`), `${column} in ${path}`).toBe(false);
    }
  });

  it('scores a CSV with the promoted model, and serves it with a request schema from the spec', async () => {
    const scored = join(temp.path, `${name}-scored.csv`);
    const score = runScript('services/training/src/scoreCli.ts', ['--registry', join(workspace, 'registry'), '--data', files.current, '--out', scored]);
    expect(score.status, score.stderr).toBe(0);
    expect(readFileSync(scored, 'utf8').split('\n')[0]).toMatch(/,prediction$/);

    const spec = parseDatasetSpec(files.specText, files.spec);
    const [header, firstLine] = readFileSync(files.reference, 'utf8').split('\n') as [string, string];
    // The first reference row as a request: numbers as numbers, categories as text, empty cells as null.
    const cells = firstLine.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((cell) => cell.replace(/,$/, '').replace(/^"|"$/g, '').replace(/""/g, '"')) ?? [];
    const row: Record<string, unknown> = {};
    header.split(',').forEach((column, index) => {
      const feature = spec.features[column];
      if (!feature) return;
      const text = cells[index] ?? '';
      row[column] = text === '' ? null : feature.type === 'categorical' ? text : Number(text);
    });
    const api = createApiApp({
      registryDirectory: join(workspace, 'registry'), predictionsDirectory: join(temp.path, `${name}-predictions`), reportsDirectory: join(workspace, 'reports'),
      eventsDirectory: join(workspace, 'events'), approvalsDirectory: join(workspace, 'approvals'), dataDirectory: join(workspace, 'data'),
      policyPath: join(REPO_ROOT, 'policies/promotion.yaml'), apiKey: 'k', maxBatch: 10, maxLogFileBytes: 1 << 20, reloadIntervalMs: 0,
    });
    const server = api.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (body: unknown) => fetch(`${base}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    try {
      const ok = await post(row);
      expect(ok.status, await ok.clone().text()).toBe(200);
      const numeric = Object.keys(spec.features).find((column) => spec.features[column]?.type !== 'categorical') as string;
      // A missing value is imputed by the frozen preprocessing (missing: impute).
      expect((await post({ ...row, [numeric]: null })).status).toBe(200);
      const wrongType = await post({ ...row, [numeric]: 'lots' });
      expect(wrongType.status).toBe(400);
      expect(((await wrongType.json()) as { error: string }).error).toMatch(new RegExp(`^${numeric}: must be (number|integer) or null$`));
      const fraudRow = await post({ [fraud.target.column]: 1, ...row });
      expect(((await fraudRow.json()) as { error: string }).error).toBe(`${fraud.target.column}: unknown key`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await api.close();
    }
    // The logged predictions, written for the monitor with the model's spec; the default (fraud) spec would give rows of empty cells.
    const predictions = join(temp.path, `${name}-predictions`);
    const live = join(temp.path, `${name}-live.csv`);
    const wrongSpec = runScript('services/api/src/predictionsToCsvCli.ts', ['--predictions', predictions, '--out', live]);
    expect(expectOneLineUserError(wrongSpec)).toMatch(new RegExp(`record 1 \\(model v\\d+, request [\\w-]+\\) has feature "\\w+", which dataset "fraud" does not have; give --dataset`));
    const rightSpec = runScript('services/api/src/predictionsToCsvCli.ts', ['--predictions', predictions, '--out', live, '--dataset', files.spec]);
    expect(rightSpec.status, rightSpec.stderr).toBe(0);
    expect(readFileSync(live, 'utf8').split('\n')[0]).toBe(`${featureNames(spec).map((column) => (/[,"]/.test(column) ? `"${column}"` : column)).join(',')},prediction`);
  });
});

describe('own data the spec does not describe is refused in one line', () => {
  let files: OwnTableFiles;
  beforeAll(() => {
    files = writeOwnDataTable(join(temp.path, 'bad'), 'credit', { referenceRows: 600, currentRows: 300 });
  });
  const registry = () => join(temp.path, 'bad-registry');
  const train = (data: string, spec = files.spec) => runScript('services/training/src/cli.ts', ['--data', data, '--dataset', spec, '--registry', registry()]);
  const lines = () => readFileSync(files.reference, 'utf8').trimEnd().split('\n');

  it('a label value the spec does not declare, by file, column and row', () => {
    const rows = lines();
    rows[5] = (rows[5] as string).replace(/,(good|bad)$/, ',unknown');
    const path = join(temp.path, 'bad-label.csv');
    writeFileSync(path, `${rows.join('\n')}\n`);
    expect(expectOneLineUserError(train(path))).toBe(`train: error: ${path}: row 6: column "loan_status" must be "bad" (positive) or "good" (negative), found "unknown"`);
  });

  it('a declared feature missing from the file', () => {
    const rows = lines().map((line) => line.split(',').slice(0, -2).concat(line.split(',').slice(-1)).join(','));
    const path = join(temp.path, 'no-feature.csv');
    writeFileSync(path, `${rows.join('\n')}\n`);
    expect(expectOneLineUserError(train(path))).toMatch(new RegExp(`^train: error: ${path}: missing column "employment_type" \\(declared in ${files.spec}`));
  });

  it('an empty feature value when the spec says missing: refuse, by file, row and feature', () => {
    const strict = join(temp.path, 'strict.yaml');
    writeFileSync(strict, files.specText.replace('missing: impute', 'missing: refuse'));
    expect(expectOneLineUserError(train(files.reference, strict))).toMatch(new RegExp(`^train: error: ${files.reference}: row \\d+: feature "\\w+" is empty and the dataset's missing: refuse allows no missing values$`));
  });
});

describe('inputs that do not fit the model or the spec are refused before anything is decided', () => {
  let files: OwnTableFiles;
  const registry = () => join(temp.path, 'mismatch-registry');
  beforeAll(() => {
    files = writeOwnDataTable(join(temp.path, 'mismatch'), 'credit', { referenceRows: 1500, currentRows: 800 });
    expect(runScript('services/training/src/cli.ts', ['--data', files.reference, '--dataset', files.spec, '--model', 'lr', '--registry', registry()]).status).toBe(0);
    expect(runScript('services/registry/src/cli.ts', ['promote', 'latest', '--stage', 'Production', '--registry', registry(), '--reason', 'init']).status).toBe(0);
  }, 60_000);

  it('the monitor, given another spec than the serving model\'s (the labels swapped), refuses instead of judging the model inverted', () => {
    const swapped = join(temp.path, 'swapped.yaml');
    writeFileSync(swapped, files.specText.replace('positive: bad, negative: good', 'positive: good, negative: bad'));
    const monitor = runScript('services/monitoring/src/cli.ts', ['--reference', 'serving', '--current', files.current, '--out', join(temp.path, 'mismatch-reports'), '--dataset', swapped, '--model', 'production', '--registry', registry()]);
    expect(expectOneLineUserError(monitor)).toMatch(new RegExp(`^monitor: error: v1 was trained on dataset "credit" \\(spec sha256 [0-9a-f]{12}\\), but the files were read with ${swapped} \\(sha256 [0-9a-f]{12}\\); give --dataset with the model's spec$`));
    const noSpec = runScript('services/monitoring/src/cli.ts', ['--reference', files.reference, '--current', files.current, '--out', join(temp.path, 'mismatch-reports'), '--model', 'production', '--registry', registry()]);
    expect(expectOneLineUserError(noSpec)).toMatch(/but the files were read without a dataset spec; give --dataset with the model's spec$/);
  });

  it('a time column without ISO-8601 times is refused by file, column and row, not left without volume figures', () => {
    const nonIso = join(temp.path, 'non-iso.csv');
    writeFileSync(nonIso, readFileSync(files.current, 'utf8').replace(/(\n[^,]*,)2026-(\d\d)-(\d\d)T/g, '$1$2/$3/2026 '));
    const monitor = runScript('services/monitoring/src/cli.ts', ['--reference', files.reference, '--current', nonIso, '--dataset', files.spec, '--out', join(temp.path, 'iso-reports')]);
    expect(expectOneLineUserError(monitor)).toMatch(new RegExp(`^monitor: error: ${nonIso}: row 2: column "applied_at" \\(the dataset's time\\) must be an ISO-8601 UTC time like 2026-11-27T14:05:00Z, found "03/`));
  });

  it('under missing: refuse, the monitor refuses an empty feature value by file, row and feature (not a later retrain)', () => {
    const strict = join(temp.path, 'strict-monitor.yaml');
    writeFileSync(strict, files.specText.replace('missing: impute', 'missing: refuse'));
    const monitor = runScript('services/monitoring/src/cli.ts', ['--reference', files.reference, '--current', files.current, '--dataset', strict, '--out', join(temp.path, 'strict-reports')]);
    expect(expectOneLineUserError(monitor)).toMatch(new RegExp(`^monitor: error: ${files.reference}: row \\d+: feature "\\w+" is empty and the dataset's missing: refuse allows no missing values$`));
  });

  it.each([['a misspelled dataset name', 'credti'], ['an invalid spec file', 'invalid']])('make demo-own with %s leaves the workspace as it was', (_what, dataset) => {
    const workspace = join(temp.path, `ws-${dataset}`);
    mkdirSync(join(workspace, 'registry'), { recursive: true });
    writeFileSync(join(workspace, 'registry', 'keep.txt'), 'previous run');
    const invalid = join(temp.path, 'invalid.yaml');
    writeFileSync(invalid, 'name: x\ntarget: {column: loan_status, positive: bad}\nfeatures: {}\n');
    const result = spawnSync('bash', [join(REPO_ROOT, 'infra/demo-own.sh'), dataset === 'invalid' ? invalid : dataset, files.reference, files.current, workspace], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 120_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(dataset === 'invalid' ? new RegExp(`${invalid}:3: features: must NOT have fewer than 1 properties`) : /no dataset "credti"/);
    expect(existsSync(join(workspace, 'registry', 'keep.txt'))).toBe(true);
  });
});

describe('auto selection', () => {
  it('picks the random forest where it is better (a label rule with interactions), and records each candidate\'s figures and time', () => {
    const files = writeOwnDataTable(join(temp.path, 'interaction'), 'interaction', { referenceRows: 4000, currentRows: 100 });
    const registry = join(temp.path, 'interaction-registry');
    const trained = runScript('services/training/src/cli.ts', ['--data', files.reference, '--dataset', files.spec, '--model', 'auto', '--registry', registry]);
    expect(trained.status, trained.stderr).toBe(0);
    const metadata = readJson<{ model_type: string; metrics: { candidates: { model_type: string; train_seconds: number; validation: { roc_auc: number } }[] } }>(join(registry, 'versions/v1/metadata.json'));
    const auc = Object.fromEntries(metadata.metrics.candidates.map((candidate) => [candidate.model_type, candidate.validation.roc_auc]));
    expect(metadata.model_type).toBe('rf');
    expect(auc.rf).toBeGreaterThan((auc.lr as number) + 0.1);
    for (const candidate of metadata.metrics.candidates) expect(candidate.train_seconds).toBeGreaterThan(0);
  });
});
