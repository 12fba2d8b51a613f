import { describe, expect, it } from 'vitest';
import { RandomForestClassifier } from 'ml-random-forest';
import seedrandom from 'seedrandom';
import { trainCandidate } from './candidateTraining.ts';
import { rocAuc } from './metrics.ts';
import { DEFAULT_RANDOM_FOREST, RandomForestModel, type RandomForestParams } from './randomForestModel.ts';

interface Labelled { features: number[][]; labels: number[] }

/** Seeded rows of uniform(-1, 1) features with a label rule and a share of flipped labels; the first `trainRows` train. */
function syntheticSplit(seed: string, rows: number, width: number, trainRows: number, rule: (row: number[]) => boolean, noise: number): { train: Labelled; validation: Labelled } {
  const rng = seedrandom.alea(seed);
  const features = Array.from({ length: rows }, () => Array.from({ length: width }, () => rng() * 2 - 1));
  const labels = features.map((row) => (rule(row) !== (rng() < noise) ? 1 : 0));
  return {
    train: { features: features.slice(0, trainRows), labels: labels.slice(0, trainRows) },
    validation: { features: features.slice(trainRows), labels: labels.slice(trainRows) },
  };
}

const params = (overrides: Partial<RandomForestParams> = {}): RandomForestParams => ({ ...DEFAULT_RANDOM_FOREST, seed: 7, ...overrides });

describe('RandomForestModel', () => {
  it("on a small easy dataset, reaches the validation AUC of ml-random-forest's forest (vote shares, 50 trees)", () => {
    const { train, validation } = syntheticSplit('easy', 400, 4, 300, ([a, b]) => (a as number) + (b as number) > 0, 0.1);
    const ours = RandomForestModel.train(train.features, train.labels, params({ n_estimators: 50 }));
    const theirs = new RandomForestClassifier({ nEstimators: 50, maxFeatures: 0.5, seed: 7, noOOB: true, treeOptions: { minNumSamples: 5, gainThreshold: 1e-6 } });
    theirs.train(train.features, train.labels);
    const votes = theirs.predictionValues(validation.features);
    const voteShares = validation.features.map((_, row) => {
      let fraud = 0;
      for (let tree = 0; tree < votes.columns; tree += 1) if (votes.get(row, tree) === 1) fraud += 1;
      return fraud / votes.columns;
    });
    const ourAuc = rocAuc(validation.labels, ours.predictProbabilities(validation.features));
    const theirAuc = rocAuc(validation.labels, voteShares);
    expect(theirAuc).toBeGreaterThan(0.85);
    expect(Math.abs(ourAuc - theirAuc)).toBeLessThan(0.03);
  });

  it('beats logistic regression clearly on an interaction (XOR) label, so `auto` can pick the forest', () => {
    const { train, validation } = syntheticSplit('xor', 1600, 5, 1200, ([a, b]) => ((a as number) > 0) !== ((b as number) > 0), 0.05);
    const rows = train.labels.map((_, row) => row);
    const auc = (kind: 'lr' | 'rf') => rocAuc(validation.labels, trainCandidate(kind, train.features, train.labels, rows, 3).classifier.predictProbabilities(validation.features));
    const forest = auc('rf');
    const logistic = auc('lr');
    expect(forest).toBeGreaterThan(0.9);
    expect(logistic).toBeLessThan(0.65);
    expect(forest - logistic).toBeGreaterThan(0.3);
  });

  it('probabilities are leaf shares: with nothing to split on, every row gets about the base rate', () => {
    const features = Array.from({ length: 400 }, () => [1, 0]);
    const labels = features.map((_, row) => (row % 10 === 0 ? 1 : 0));
    const model = RandomForestModel.train(features, labels, params({ n_estimators: 40 }));
    expect(model.toJSON().trees.every((tree) => tree.feature.length === 1 && tree.feature[0] === -1)).toBe(true);
    const [probability] = model.predictProbabilities([[1, 0]]);
    expect(probability).toBeCloseTo(0.1, 1);
  });

  it('the same rows and seed give byte-identical JSON; another seed another forest; a reloaded forest scores the same', () => {
    const { train, validation } = syntheticSplit('determinism', 500, 6, 400, ([a, b, c]) => (a as number) * (b as number) > (c as number) / 4, 0.1);
    const first = JSON.stringify(RandomForestModel.train(train.features, train.labels, params()).toJSON());
    expect(JSON.stringify(RandomForestModel.train(train.features, train.labels, params()).toJSON())).toBe(first);
    expect(JSON.stringify(RandomForestModel.train(train.features, train.labels, params({ seed: 8 })).toJSON())).not.toBe(first);
    const trained = RandomForestModel.train(train.features, train.labels, params());
    expect(RandomForestModel.load(JSON.parse(first)).predictProbabilities(validation.features)).toEqual(trained.predictProbabilities(validation.features));
  });

  it('serializes flat arrays per tree: the left child follows its parent, leaves have feature -1', () => {
    const { train } = syntheticSplit('layout', 300, 3, 300, ([a]) => (a as number) > 0.2, 0.05);
    const { trees, n_features: featureCount } = RandomForestModel.train(train.features, train.labels, params({ n_estimators: 3 })).toJSON();
    expect(featureCount).toBe(3);
    for (const tree of trees) {
      const nodes = tree.feature.length;
      for (const array of [tree.threshold, tree.left, tree.right, tree.value]) expect(array).toHaveLength(nodes);
      tree.feature.forEach((feature, node) => {
        if (feature < 0) expect([tree.left[node], tree.right[node]]).toEqual([-1, -1]);
        else expect(tree.left[node]).toBe(node + 1);
      });
    }
  });
});
