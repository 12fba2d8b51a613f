import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../../generator/src/generateDataset.ts';
import { loadScenarioFile, scenarioPath } from '../../../generator/src/scenarioConfig.ts';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import { parsePolicy, type PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import { sha256OfFileSync } from '../../core/src/infrastructure/fileHash.ts';
import { ModelRegistry, promoteVersion, registerVersion, type HistoryEntry } from '../../registry/src/index.ts';
import { DEFAULT_TRAINING, registrationRecord, trainModels } from '../../training/src/index.ts';
import { runRelease } from './agents/release.ts';
import type { AuditRecord } from './auditChain.ts';
import type { ExecutionPlan, ReleaseResult } from './controlTypes.ts';
import { createReleaseEffects } from './releaseEffects.ts';
import { settleIntent, type IntentDetail } from './writeAhead.ts';
import { loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';

const FRAUD = loadDatasetSpec('fraud');

/**
 * Item 11 of issue 12: where a challenger ends. It waits in stage None while it is
 * evaluated; passing every gate it moves to release_policy.promote_stage (Staging keeps
 * the champion in Production); blocked, it is archived. Run on a real registry in a
 * temporary directory with small seeded data, through the real release effects.
 */

const POLICY = parsePolicy(readFileSync('policies/promotion.yaml', 'utf8'), 'promotion.yaml');
const NOW = new Date('2026-11-23T12:00:00Z');
const AUDIT_HEAD = { records: 1, last_hash: 'a'.repeat(64) };

function withPolicy(change: (policy: PromotionPolicy) => void): PromotionPolicy {
  const copy = structuredClone(POLICY);
  change(copy);
  return copy;
}

const temp = makeTempDir('challenger-stages');
afterAll(() => temp.cleanup());
const referencePath = join(temp.path, 'reference.csv');
const currentPath = join(temp.path, 'current.csv');

beforeAll(async () => {
  await generateDataset(loadScenarioFile(scenarioPath('base')), { rows: 2000, seed: 7, outPath: referencePath });
  await generateDataset(loadScenarioFile(scenarioPath('drift_feature')), { rows: 1500, seed: 8, outPath: currentPath });
}, 60_000);

/** A registry whose v1 (trained on the reference data) is in Production. */
function registryWithChampion(name: string): string {
  const directory = join(temp.path, name);
  const table = readCsvTable(referencePath);
  const trained = trainModels(table, { ...DEFAULT_TRAINING, dataset: FRAUD, model: 'lr', seed: 1 });
  const context = { actor: 'test', reason: 'champion', runId: null, now: new Date('2026-11-01T00:00:00Z') };
  registerVersion(directory, registrationRecord(trained, { dataPath: referencePath, rows: table.rowCount, seed: 1, runId: 'setup' }), context);
  promoteVersion(directory, 1, 'Production', context);
  return directory;
}

const READY: ExecutionPlan = {
  run_id: 'run-1', created_at: NOW.toISOString(), incident_type: 'data_drift', severity: 'medium', action: 'retrain_and_evaluate',
  policy_rule: 'drift_policy.on_medium', confidence: { value: 0.85, parts: { rule: 0.85, evidence_margin: 1, data_sufficiency: 1 }, min_confidence: 0.8 },
  requires_approval: false, approval_action: null, guardrails: [], status: 'ready', reasons: [], rollback_comparison: null,
};

/** The release carried out on a real registry by the real effects, the run's intent key stamped on every move. */
function release(directory: string, policy: PromotionPolicy, excludedHours: number[] | null = null, referenceSha256 = sha256OfFileSync(referencePath)): ReleaseResult {
  const effects = createReleaseEffects({
    registryDirectory: directory,
    approvalsDirectory: `${directory}-approvals`,
    trainingDataPath: join(`${directory}-run`, 'challenger_training.csv'),
    referenceDataPath: join(`${directory}-run`, 'challenger_reference.csv'),
    referencePath,
    currentPath,
    currentSha256: sha256OfFileSync(currentPath),
    referenceSha256,
    policy,
    dataset: FRAUD,
    excludedHours,
    approvalBasis: { incident: { type: 'data_drift', severity: 'medium', rule: 'drift_share_medium', explanation: '' }, inputs: { summary_sha256: '', current_sha256: '', reference_sha256: '', policy_sha256: '', production_version: 1, rollback_target: null }, ttlHours: 24 },
    runId: 'run-1',
    actor: 'test',
    now: NOW,
    beginEffect: () => ({ idempotencyKey: 'run-1:retrain', auditHead: AUDIT_HEAD }),
  });
  return runRelease({ plan: READY, policy, now: NOW }, effects);
}

const stageOf = (directory: string, version: number) => ModelRegistry.open(directory).stages().get(version);

describe('where a challenger ends (real registry)', () => {
  it('promote_stage: Staging -> the challenger is promoted to Staging, the champion keeps Production, outcome promoted', () => {
    const directory = registryWithChampion('staging');
    const result = release(directory, withPolicy((policy) => { policy.release_policy.promote_stage = 'Staging'; }));
    expect(result.reasons.join('; ')).toMatch(/promoted to Staging; Production unchanged \(v1 still serves/);
    expect(result).toMatchObject({ outcome: 'promoted', challenger_version: 2, champion_version_before: 1, champion_version_after: 1 });
    expect([stageOf(directory, 1), stageOf(directory, 2)]).toEqual(['Production', 'Staging']);
    const moves = ModelRegistry.open(directory).history().filter((entry) => entry.version === 2);
    expect(moves.map((entry) => [entry.operation, entry.from, entry.to, entry.idempotency_key])).toEqual([['register', null, 'None', 'run-1:retrain'], ['promote', 'None', 'Staging', 'run-1:retrain']]);
  }, 30_000);

  it('promote_stage: Production -> the challenger goes from None straight to Production, the champion is archived', () => {
    const directory = registryWithChampion('production');
    expect(release(directory, POLICY)).toMatchObject({ outcome: 'promoted', champion_version_before: 1, champion_version_after: 2 });
    expect([stageOf(directory, 1), stageOf(directory, 2)]).toEqual(['Archived', 'Production']);
    expect(ModelRegistry.open(directory).history().filter((entry) => entry.version === 2).map((entry) => entry.to)).toEqual(['None', 'Production']);
  }, 30_000);

  it('a blocked challenger is archived, by an archive move carrying the run\'s key and audit head; the champion stays', () => {
    const directory = registryWithChampion('blocked');
    const result = release(directory, withPolicy((policy) => { policy.release_policy.promote_if_quality_gates_pass = false; }));
    expect(result).toMatchObject({ outcome: 'blocked', challenger_version: 2, champion_version_after: 1 });
    expect([stageOf(directory, 1), stageOf(directory, 2)]).toEqual(['Production', 'Archived']);
    const archived = ModelRegistry.open(directory).history().at(-1);
    expect(archived).toMatchObject({ version: 2, from: 'None', to: 'Archived', operation: 'archive', run_id: 'run-1', idempotency_key: 'run-1:retrain', audit_head: AUDIT_HEAD });
    expect(archived?.reason).toContain('release_policy.promote_if_quality_gates_pass');
  }, 30_000);
});

describe('a retrain killed after its last registry move is settled by what that move was', () => {
  const intent = { record: { seq: 1, time: NOW.toISOString(), run_id: 'run-1', kind: 'intent', decision: 'retrain_and_evaluate', detail: {}, prev_hash: '', hash: '' } satisfies AuditRecord, detail: { key: 'run-1:retrain', action: 'retrain_and_evaluate', effect: 'retrain', champion_before: 1, target_version: null, approval_id: null, claimed_approval: false } satisfies IntentDetail };
  const move = (operation: HistoryEntry['operation'], from: HistoryEntry['from'], to: HistoryEntry['to'], version = 2): HistoryEntry => ({ time: NOW.toISOString(), version, from, to, actor: 'control', reason: '', run_id: 'run-1', operation, operation_id: `${operation}-${version}-${to}`, operation_size: 1, idempotency_key: 'run-1:retrain' });
  const settle = (history: HistoryEntry[]) => settleIntent(intent, { history, versionsOfRun: () => [2], approvalExists: () => false });

  it('promoted to Staging: completed, promoted (the champion unchanged)', () => {
    expect(settle([move('register', null, 'None'), move('promote', 'None', 'Staging')])).toMatchObject({ settled: 'completed', started: true, outcome: 'promoted', explanation: expect.stringContaining('to Staging') });
  });
  it('promoted to Production (the champion archived in the same operation): completed, promoted', () => {
    expect(settle([move('register', null, 'None'), move('promote', 'Production', 'Archived', 1), move('promote', 'None', 'Production')])).toMatchObject({ settled: 'completed', outcome: 'promoted' });
  });
  it('archived: completed, blocked', () => {
    expect(settle([move('register', null, 'None'), move('archive', 'None', 'Archived')])).toMatchObject({ settled: 'completed', started: true, outcome: 'blocked' });
  });
  it('only registered: abandoned, but started (it counts for the cooldown)', () => {
    expect(settle([move('register', null, 'None')])).toMatchObject({ settled: 'abandoned', started: true, outcome: 'abandoned' });
  });
});

describe('a retrain approved for a shock leaves the shock out (issue 12, item 8)', () => {
  const metadataOf = (directory: string, version: number) => JSON.parse(readFileSync(join(directory, 'versions', `v${version}`, 'metadata.json'), 'utf8'));
  it('its surge hours: none of their rows are trained on, and the version records what was left out', () => {
    const directory = registryWithChampion('shock-hours');
    const result = release(directory, POLICY, [0, 1, 2]);
    expect(result.challenger_version).toBe(2);
    const { params, training_data: training } = metadataOf(directory, 2);
    expect(params.shock_excluded).toMatchObject({ hours: [0, 1, 2] });
    expect(params.shock_excluded.rows).toBeGreaterThan(0);
    const table = readCsvTable(training.path);
    expect(Array.from(table.numerical('transaction_hour').values).filter((hour) => hour <= 2)).toEqual([]);
    // Its reference while it serves: the window less the shock, held-out slice included.
    const { reference_data: reference } = metadataOf(directory, 2);
    const built = readCsvTable(reference.path);
    expect(Array.from(built.numerical('transaction_hour').values).filter((hour) => hour <= 2)).toEqual([]);
    expect(reference.rows).toBeGreaterThan(training.rows);
  });
  it('a shock without surge hours: all its rows; with nothing else to train on the retrain fails before training', () => {
    const alone = release(registryWithChampion('shock-all'), POLICY, []);
    expect(alone).toMatchObject({ outcome: 'failed', challenger_version: null });
    expect(alone.reasons[0]).toMatch(/no current rows outside the shock's hours \(all\)/);
    const directory = registryWithChampion('shock-all-with-reference');
    release(directory, withPolicy((policy) => { policy.retrain.data = 'reference_and_current'; }), []);
    const { params, training_data: training } = metadataOf(directory, 2);
    expect(params.shock_excluded).toMatchObject({ hours: 'all' });
    expect(training.rows).toBe(2000);
  });
});

describe('a retrain adds only the reference the monitor judged', () => {
  it('the reference file replaced since: failed before anything is trained, nothing registered', () => {
    const directory = registryWithChampion('reference-replaced');
    const result = release(directory, withPolicy((policy) => { policy.retrain.data = 'reference_and_current'; }), null, 'f'.repeat(64));
    expect(result).toMatchObject({ outcome: 'failed', challenger_version: null });
    expect(result.reasons[0]).toMatch(/reference\.csv changed since monitoring .*re-run the monitor first/);
    expect(ModelRegistry.open(directory).versions()).toHaveLength(1);
  });
});
