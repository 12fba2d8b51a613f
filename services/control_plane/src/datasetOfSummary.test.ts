import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import type { MonitoringSummary } from '../../monitoring/src/index.ts';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import { datasetOfSummary } from './controlRun.ts';

const temp = makeTempDir('dataset-of-summary');
afterAll(() => temp.cleanup());

const SPEC = 'name: own\ntarget: { column: y, positive: "Yes", negative: "No" }\nfeatures:\n  a: { type: numerical }\n';
const specPath = join(temp.path, 'own.yaml');
writeFileSync(specPath, SPEC);
const recorded = loadDatasetSpec(specPath);
const summaryWith = (dataset: MonitoringSummary['dataset']) => ({ dataset }) as MonitoringSummary;

describe('the control plane acts with the dataset spec the monitor read', () => {
  it('reads the spec the summary records', () => {
    const loaded = datasetOfSummary(summaryWith({ name: 'own', sha256: recorded.sha256, source: specPath }), 'summary.json', undefined);
    expect(loaded.spec.name).toBe('own');
  });

  it('refuses a spec edited since the monitor read it', () => {
    const edited = join(temp.path, 'edited.yaml');
    writeFileSync(edited, SPEC);
    const summary = summaryWith({ name: 'own', sha256: loadDatasetSpec(edited).sha256, source: edited });
    writeFileSync(edited, `${SPEC}  b: { type: numerical }\n`);
    expect(() => datasetOfSummary(summary, 'summary.json', undefined)).toThrow(new RegExp(`^${edited} changed since the monitor read it \\(sha256 [0-9a-f]{12}, summary.json records [0-9a-f]{12}\\): re-run the monitor, nothing was done$`));
  });

  it('refuses --dataset naming another spec than the summary\'s', () => {
    const summary = summaryWith({ name: 'own', sha256: recorded.sha256, source: specPath });
    expect(() => datasetOfSummary(summary, 'summary.json', 'fraud')).toThrow(`--dataset fraud is not the spec the monitor read (${specPath})`);
  });

  it('a summary made without a spec is read with the named one, else the default', () => {
    expect(datasetOfSummary(summaryWith(null), 'summary.json', undefined).spec.name).toBe('fraud');
    expect(datasetOfSummary(summaryWith(undefined), 'summary.json', specPath).spec.name).toBe('own');
  });
});
