import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { loadDatasetSpec, type LoadedDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { parseCsvText } from '../../core/src/infrastructure/csv/csvTable.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { scoreTable } from './batchScoring.ts';
import { createPredictor } from './modelArtifact.ts';
import { recordRowSource } from './preprocessing.ts';
import { DEFAULT_TRAINING, trainModels } from './trainModels.ts';

/* Found by an adversarial review of the models; each case failed on the code before its fix. */

function spec(): LoadedDatasetSpec {
  const file = join(mkdtempSync(join(tmpdir(), 'driftwatch-edge-spec-')), 'edge.yaml');
  writeFileSync(file, 'name: edge\ntarget: { column: y, positive: 1, negative: 0 }\nfeatures:\n  a: { type: numerical }\n  b: { type: numerical }\n  c: { type: categorical }\nmissing: impute\n');
  return loadDatasetSpec(file);
}

/** Categorical features are read as text, as every stage reads them (the spec names them). */
const read = (text: string, source: string) => parseCsvText(text, source, { textColumns: ['c'] });

function table(rows: number, cell: (a: number, b: number, rng: () => number) => { a: string; c: string; y: number }) {
  const rng = seedrandom.alea('review');
  const lines = ['a,b,c,y'];
  for (let row = 0; row < rows; row += 1) {
    const a = rng() * 2 - 1;
    const b = rng();
    const drawn = cell(a, b, rng);
    lines.push(`${drawn.a},${b},${drawn.c},${drawn.y}`);
  }
  return read(`${lines.join('\n')}\n`, 'train.csv');
}

describe('models on edge-case data', () => {
  it('a category written as a code ("01") scores the same whatever else the file holds, and as the API scores it', () => {
    const train = table(1000, (a, _b, rng) => {
      const c = ['01', '02', '03'][Math.floor(rng() * 3)] as string;
      return { a: String(a), c, y: rng() < (c === '01' ? 0.8 : 0.1) ? 1 : 0 };
    });
    for (const model of ['lr', 'rf'] as const) {
      const { artifact } = trainModels(train, { ...DEFAULT_TRAINING, dataset: spec(), model, seed: 1 });
      const alone = scoreTable(artifact, read('a,b,c\n0.1,0.5,01\n', 's1.csv')).probabilities[0];
      const besideText = scoreTable(artifact, read('a,b,c\n0.1,0.5,01\n0.1,0.5,X\n', 's2.csv')).probabilities[0];
      const api = createPredictor(artifact).score(recordRowSource([{ a: 0.1, b: 0.5, c: '01' }])).probabilities[0];
      expect(besideText).toBe(alone);
      expect(api).toBe(alone);
      expect(alone).toBeGreaterThan(0.5);
    }
  });

  it('values near the float limit (1.7e308) are refused in one line, not trained on as NaN', () => {
    const train = table(2000, (a, b, rng) => {
      const y = rng() < 1 / (1 + Math.exp(-(3 * a - b))) ? 1 : 0;
      return { a: String(y && rng() < 0.5 ? 1.7e308 : a), c: 'p', y };
    });
    for (const model of ['lr', 'rf'] as const) {
      expect(() => trainModels(train, { ...DEFAULT_TRAINING, dataset: spec(), model, seed: 1 })).toThrow(UserError);
      expect(() => trainModels(train, { ...DEFAULT_TRAINING, dataset: spec(), model, seed: 1 })).toThrow('train.csv: column "a": values up to 1.70e+308 are too large to standardise; rescale the column');
    }
  });

  it('a request the schema accepts never gets a NaN probability (huge inputs are held to a million deviations)', () => {
    const train = table(1000, (a, b, rng) => ({ a: String(a), c: 'p', y: rng() < 1 / (1 + Math.exp(-(3 * a - 3 * b))) ? 1 : 0 }));
    for (const model of ['lr', 'rf'] as const) {
      const { artifact } = trainModels(train, { ...DEFAULT_TRAINING, dataset: spec(), model, seed: 1 });
      const probabilities = createPredictor(artifact).score(recordRowSource([{ a: 1.7e308, b: 1.7e308, c: 'p' }, { a: -1.7e308, b: 1.7e308, c: 'p' }])).probabilities;
      for (const probability of probabilities) expect(Number.isFinite(probability)).toBe(true);
    }
  });

  it('a label with one row is refused: nothing could validate the model', () => {
    const one = read(`a,b,c,y\n0.5,0.5,p,1\n${Array.from({ length: 499 }, (_, row) => `${row / 500},0.5,p,0`).join('\n')}\n`, 'one.csv');
    expect(() => trainModels(one, { ...DEFAULT_TRAINING, dataset: spec(), model: 'lr', seed: 1 })).toThrow('one.csv: column "y" has 1 row labelled 1; training needs at least 2 of each label (one to validate on)');
  });

  it('records how the logistic regression\'s Newton fit ended', () => {
    const train = table(800, (a, b, rng) => ({ a: String(a), c: 'p', y: rng() < 1 / (1 + Math.exp(-(3 * a - 3 * b))) ? 1 : 0 }));
    const { artifact } = trainModels(train, { ...DEFAULT_TRAINING, dataset: spec(), model: 'lr', seed: 1 });
    expect(artifact.model).toMatchObject({ kind: 'lr', fit: { converged: true } });
    expect((artifact.model as { fit: { iterations: number } }).fit.iterations).toBeGreaterThan(1);
  });
});
