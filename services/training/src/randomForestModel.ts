import seedrandom from 'seedrandom';
import type { ProbabilisticClassifier } from './classifier.ts';
import { growTree, type FlatTree } from './histogramTree.ts';
import { binColumns, MAX_BINS } from './quantileBins.ts';

export interface RandomForestParams {
  n_estimators: number;
  min_samples_leaf: number;
  /** Features searched per split: 'sqrt' is floor(sqrt(features)), scikit-learn's default for classifiers. */
  max_features: 'sqrt' | number;
  /** null: trees grow until their leaves are pure or too small (scikit-learn's default). */
  max_depth: number | null;
  /** Quantile bins per feature for the split search, fitted on the training rows. */
  max_bins: number;
  seed: number;
}

/**
 * scikit-learn's `RandomForestClassifier(n_estimators=100, min_samples_leaf=5)`: every
 * training row, a bootstrap per tree, a fresh feature subset per split, probabilities as
 * the mean of the trees' leaf fractions (so they are calibrated like sklearn's, not vote
 * shares of a positive-enriched sample).
 *
 * Why not ml-random-forest: its trees (ml-cart) cost ~n² per tree (0.5 s each at 5k
 * rows, so 100 trees ≈ 50 s against scikit-learn's 0.5 s), and its forest cannot be given
 * another tree: `train()` picks ml-cart from a module import, draws one feature subset per
 * tree (scikit-learn draws one per split), copies every bootstrap into a new Matrix, and
 * its predictions are class votes, not leaf probabilities. Replacing the tree would mean
 * overriding `train`, `predictionValues`, `toJSON` and `load`, i.e. all of it.
 */
export const DEFAULT_RANDOM_FOREST: Omit<RandomForestParams, 'seed'> = {
  n_estimators: 100,
  min_samples_leaf: 5,
  max_features: 'sqrt',
  max_depth: null,
  max_bins: MAX_BINS,
};

export interface SerializedRandomForest {
  kind: 'rf';
  params: RandomForestParams;
  n_features: number;
  /** Flat arrays per tree; thresholds are raw feature values, so scoring needs no bins. */
  trees: FlatTree[];
}

/** A tree ready to score: the same arrays, typed. */
interface ScoringTree {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

function scoringTree(tree: FlatTree): ScoringTree {
  return { feature: Int32Array.from(tree.feature), threshold: Float64Array.from(tree.threshold), left: Int32Array.from(tree.left), right: Int32Array.from(tree.right), value: Float64Array.from(tree.value) };
}

export function featuresPerSplit(maxFeatures: RandomForestParams['max_features'], featureCount: number): number {
  const wanted = maxFeatures === 'sqrt' ? Math.floor(Math.sqrt(featureCount)) : maxFeatures;
  return Math.min(featureCount, Math.max(1, wanted));
}

export class RandomForestModel implements ProbabilisticClassifier<SerializedRandomForest> {
  readonly kind = 'rf' as const;
  private readonly scoring: ScoringTree[];

  constructor(private readonly params: RandomForestParams, private readonly featureCount: number, private readonly trees: FlatTree[]) {
    this.scoring = trees.map(scoringTree);
  }

  static train(matrix: number[][], labels: number[], params: RandomForestParams): RandomForestModel {
    const featureCount = matrix[0]?.length ?? 0;
    const { codes, edges } = binColumns(matrix, params.max_bins);
    const data = { codes, edges, labels: Uint8Array.from(labels) };
    const options = { maxFeatures: featuresPerSplit(params.max_features, featureCount), minSamplesLeaf: params.min_samples_leaf, maxDepth: params.max_depth };
    const rowCount = matrix.length;
    const weights = new Int32Array(rowCount);
    const trees: FlatTree[] = [];
    for (let treeIndex = 0; treeIndex < params.n_estimators; treeIndex += 1) {
      // One seeded stream per tree: tree t depends only on (seed, t), whatever the order of growth.
      const random = seedrandom.alea(`${params.seed}:rf-tree:${treeIndex}`);
      weights.fill(0);
      for (let draw = 0; draw < rowCount; draw += 1) {
        const row = Math.floor(random() * rowCount);
        weights[row] = (weights[row] as number) + 1;
      }
      // In-bag rows with their multiplicities, as scikit-learn's sample_weight; min_samples_leaf counts distinct rows.
      let inBag = 0;
      for (let row = 0; row < rowCount; row += 1) if ((weights[row] as number) > 0) inBag += 1;
      const rows = new Int32Array(inBag);
      for (let row = 0, next = 0; row < rowCount; row += 1) if ((weights[row] as number) > 0) rows[next++] = row;
      trees.push(growTree(data, rows, weights, options, random));
    }
    return new RandomForestModel(params, featureCount, trees);
  }

  static load(serialized: SerializedRandomForest): RandomForestModel {
    return new RandomForestModel(serialized.params, serialized.n_features, serialized.trees);
  }

  /** The mean over trees of the leaf's positive share (scikit-learn's predict_proba). */
  predictProbabilities(matrix: number[][]): number[] {
    const treeCount = this.scoring.length;
    return matrix.map((row) => {
      let sum = 0;
      for (let treeIndex = 0; treeIndex < treeCount; treeIndex += 1) {
        const tree = this.scoring[treeIndex] as ScoringTree;
        let node = 0;
        let feature = tree.feature[0] as number;
        while (feature >= 0) {
          node = (row[feature] as number) <= (tree.threshold[node] as number) ? tree.left[node] as number : tree.right[node] as number;
          feature = tree.feature[node] as number;
        }
        sum += tree.value[node] as number;
      }
      return treeCount === 0 ? 0 : sum / treeCount;
    });
  }

  toJSON(): SerializedRandomForest {
    return { kind: 'rf', params: this.params, n_features: this.featureCount, trees: this.trees };
  }
}
