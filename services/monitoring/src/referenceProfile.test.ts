import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDataset } from '../../../generator/src/generateDataset.ts';
import { loadScenarioFile, scenarioPath } from '../../../generator/src/scenarioConfig.ts';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import { loadDatasetSpec, textColumnsOf } from '../../core/src/domain/datasetSpec.ts';
import { readCsvHeader, readCsvTable } from '../../core/src/infrastructure/csv/csvFile.ts';
import { parseCsvText } from '../../core/src/infrastructure/csv/csvTable.ts';
import type { DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';
import { readCsvTableHere } from '../../core/src/infrastructure/csv/parallelCsvRead.ts';
import { sha256OfFileSync } from '../../core/src/infrastructure/fileHash.ts';
import { promoteVersion, registerVersion } from '../../registry/src/index.ts';
import { DEFAULT_TRAINING, registrationRecord, trainModels } from '../../training/src/index.ts';
import { monitorTables, type MonitorPolicy } from './monitorPipeline.ts';
import { monitorReadPlan } from './readPlan.ts';
import { ReferenceProfiles, type ReferenceProfile } from './referenceProfile.ts';

const fraud = loadDatasetSpec('fraud');
const LABEL = fraud.spec.target.column;
const temp = makeTempDir('reference-profile');
afterAll(() => temp.cleanup());

describe('ReferenceProfiles: each reference read once, the latest two kept', () => {
  const tableOf = (sha256: string): DataTable => parseCsvText('a\n1\n', `${sha256}.csv`, { sha256 });

  function counting() {
    const reads: string[] = [];
    const read = (sha256: string) => () => {
      reads.push(sha256);
      return tableOf(sha256);
    };
    return { reads, read };
  }

  it('a second get of the same sha256 is the same profile, read once', () => {
    const profiles = new ReferenceProfiles();
    const { reads, read } = counting();
    const first = profiles.get('ref.csv', 'aaa', read('aaa'));
    const again = profiles.get('elsewhere/ref.csv', 'aaa', read('aaa'));
    expect(again).toBe(first);
    expect(reads).toEqual(['aaa']);
    expect(first).toMatchObject({ path: 'ref.csv', sha256: 'aaa', computations: 0 });
  });

  it('keeps the two used last: a third reference pushes out the one used least recently', () => {
    const profiles = new ReferenceProfiles();
    const { reads, read } = counting();
    profiles.get('a.csv', 'a', read('a'));
    profiles.get('b.csv', 'b', read('b'));
    profiles.get('c.csv', 'c', read('c'));
    // Kept: c, b. Using b makes it the latest; a is read again and c goes.
    profiles.get('b.csv', 'b', read('b'));
    profiles.get('a.csv', 'a', read('a'));
    profiles.get('b.csv', 'b', read('b'));
    profiles.get('c.csv', 'c', read('c'));
    expect(reads).toEqual(['a', 'b', 'c', 'a', 'c']);
  });

  it('a rollback back to the previous reference finds it kept', () => {
    const profiles = new ReferenceProfiles();
    const { reads, read } = counting();
    const v1 = profiles.get('v1.csv', 'v1', read('v1'));
    profiles.get('v2.csv', 'v2', read('v2'));
    expect(profiles.get('v1.csv', 'v1', read('v1'))).toBe(v1);
    expect(reads).toEqual(['v1', 'v2']);
  });

  it('refuses a file that is not the sha256 it was asked for (it changed since the registry recorded it)', () => {
    const profiles = new ReferenceProfiles();
    expect(() => profiles.get('ref.csv', 'a'.repeat(64), () => tableOf('b'.repeat(64)))).toThrow(`ref.csv changed since the registry recorded it (sha256 ${'b'.repeat(12)}, recorded ${'a'.repeat(12)}): it is no longer the serving model's reference`);
    // Nothing was kept from the refused read.
    const { reads, read } = counting();
    profiles.get('ref.csv', 'a'.repeat(64), read('a'.repeat(64)));
    expect(reads).toHaveLength(1);
  });

  it('memo computes a key once and counts what it computed', () => {
    const profile = new ReferenceProfiles().get('ref.csv', 'a', () => tableOf('a'));
    let calls = 0;
    const compute = () => {
      calls += 1;
      return { calls };
    };
    const first = profile.memo('key', compute);
    expect(profile.memo('key', compute)).toBe(first);
    expect(profile.memo('other', compute)).toEqual({ calls: 2 });
    expect(calls).toBe(2);
    expect(profile.computations).toBe(2);
  });
});

describe('monitorTables over time: one reference profile, windows of their own, labels of their own', () => {
  const paths = {
    reference: join(temp.path, 'reference.csv'),
    traffic: join(temp.path, 'traffic.csv'),
    windowOne: join(temp.path, 'window-1.csv'),
    windowTwo: join(temp.path, 'window-2.csv'),
    labelled: join(temp.path, 'labelled.csv'),
    registry: join(temp.path, 'registry'),
  };
  const POLICY: MonitorPolicy = { drift: { drift_share: 0.5, min_samples: 50, severity_thresholds: { high: 0.5, medium: 0.2 }, columns: {} }, identity: null, loaded: null };
  const NOW = new Date('2026-09-03T00:00:00Z');
  const LABELLED_ROWS = 150;

  /** The CSV's lines without the label column (a window's rows: labels come later). */
  function withoutLabel(lines: readonly string[]): string {
    const index = (lines[0] as string).split(',').indexOf(LABEL);
    return lines.map((line) => line.split(',').filter((_, column) => column !== index).join(',')).map((line) => `${line}\n`).join('');
  }

  beforeAll(async () => {
    await generateDataset(loadScenarioFile(scenarioPath('base')), { rows: 1000, seed: 21, outPath: paths.reference });
    await generateDataset(loadScenarioFile(scenarioPath('base')), { rows: 600, seed: 22, outPath: paths.traffic });
    // The fraud data has no quoted fields: splitting on commas is exact here.
    const lines = readFileSync(paths.traffic, 'utf8').trimEnd().split('\n');
    const [header, ...rows] = lines as [string, ...string[]];
    writeFileSync(paths.windowOne, withoutLabel([header, ...rows.slice(0, 200)]));
    writeFileSync(paths.windowTwo, withoutLabel([header, ...rows.slice(200, 450)]));
    writeFileSync(paths.labelled, `${[header, ...rows.slice(450, 450 + LABELLED_ROWS)].join('\n')}\n`);
    const table = readCsvTable(paths.reference, { textColumns: textColumnsOf(fraud.spec) });
    const result = trainModels(table, { ...DEFAULT_TRAINING, dataset: fraud, model: 'lr', seed: 42 });
    const context = { actor: 'test', reason: 'test', runId: 'run-test', now: new Date('2026-09-01T00:00:00Z') };
    registerVersion(paths.registry, registrationRecord(result, { dataPath: paths.reference, rows: table.rowCount, seed: 42, runId: 'run-test' }), context);
    promoteVersion(paths.registry, 1, 'Production', context);
  }, 60_000);

  /** As the watcher reads a window: the plan from the reference's and the window's headers, the label read from the reference. */
  function planFor(currentPath: string) {
    return monitorReadPlan(readCsvHeader(paths.reference), readCsvHeader(currentPath), [], { dataset: fraud, referenceSource: paths.reference, readLabels: true });
  }

  function profileOf(profiles: ReferenceProfiles, currentPath: string): ReferenceProfile {
    const plan = planFor(currentPath);
    return profiles.get(paths.reference, sha256OfFileSync(paths.reference), () => readCsvTableHere({ path: paths.reference, options: plan.reference, numericalToClean: 'all' }));
  }

  async function judge(currentPath: string, reference: DataTable, options: { memo?: ReferenceProfile; labelled?: boolean } = {}) {
    const plan = planFor(currentPath);
    const current = readCsvTableHere({ path: currentPath, options: plan.current, numericalToClean: 'all' });
    const labelled = options.labelled ? readCsvTableHere({ path: paths.labelled, options: { ...plan.reference, columns: plan.columnsToRead }, numericalToClean: 'all' }) : undefined;
    const { summary } = await monitorTables({
      reference,
      current,
      ...(labelled ? { labelled: { table: labelled, path: paths.labelled } } : {}),
      referencePath: paths.reference,
      currentPath,
      plan,
      policy: POLICY,
      model: 'production',
      registryDirectory: paths.registry,
      runId: 'window-test',
      now: NOW,
      ...(options.memo ? { referenceMemo: options.memo.memo } : {}),
    });
    return summary;
  }

  it('the second window computes nothing new from the reference, and is judged exactly as without the profile', async () => {
    const profiles = new ReferenceProfiles();
    const profile = profileOf(profiles, paths.windowOne);
    const first = await judge(paths.windowOne, profile.table, { memo: profile, labelled: true });
    expect(first.status).toBe('ok');
    const computed = profile.computations;
    expect(computed).toBeGreaterThan(0);
    expect(profileOf(profiles, paths.windowTwo)).toBe(profile);
    const second = await judge(paths.windowTwo, profile.table, { memo: profile, labelled: true });
    expect(profile.computations).toBe(computed);
    // The same figures as a monitor that works everything out again from a reference read afresh.
    const plan = planFor(paths.windowTwo);
    const fresh = readCsvTableHere({ path: paths.reference, options: plan.reference, numericalToClean: 'all' });
    expect(second).toEqual(await judge(paths.windowTwo, fresh, { labelled: true }));
    expect(second.current.rows).toBe(250);
  });

  it('with labelled rows of its own, performance is judged on them: the window has no label column, and that is fine', async () => {
    expect(readCsvHeader(paths.windowOne)).not.toContain(LABEL);
    const profile = profileOf(new ReferenceProfiles(), paths.windowOne);
    const summary = await judge(paths.windowOne, profile.table, { memo: profile, labelled: true });
    expect(summary.current.rows).toBe(200);
    expect(summary.performance?.current.rows).toBe(LABELLED_ROWS);
    expect(summary.performance?.reference.rows).toBe(1000);
    expect(summary.labelled).toMatchObject({ path: paths.labelled, rows: LABELLED_ROWS, sha256: sha256OfFileSync(paths.labelled) });
    // The label is not a feature of the window, nor drift of it.
    expect(summary.columns.features).not.toContain(LABEL);
    expect(Object.keys(summary.drift_by_columns)).not.toContain(LABEL);
  });

  it('without labelled rows, a window without its label is judged on drift alone', async () => {
    const profile = profileOf(new ReferenceProfiles(), paths.windowOne);
    const summary = await judge(paths.windowOne, profile.table, { memo: profile });
    expect(summary.status).toBe('ok');
    expect(summary.performance).toBeNull();
    expect(summary.prediction_drift).not.toBeNull();
  });
});
