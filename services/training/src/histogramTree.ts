/**
 * Grows one classification tree (CART, gini) on binned columns, as one tree of
 * scikit-learn's RandomForestClassifier: a fresh random subset of `maxFeatures` features
 * at every split, the best gini split among them, leaves of at least `minSamplesLeaf`
 * distinct rows, grown until pure or too small. Why our own: ml-cart re-sorts and
 * recounts the classes at every candidate threshold (quadratic in the node's rows);
 * here a node costs one pass over its rows per candidate feature, filling a
 * ≤255-bin histogram, and one scan of the histogram.
 *
 * Bootstrap multiplicities enter as integer row weights (scikit-learn passes them as
 * sample_weight), so all class sums are exact integers and the tree is the same on
 * every machine for the same random draws.
 */

export interface TreeGrowthOptions {
  /** Features drawn (without replacement) for each split; constant features in the node do not count, as in scikit-learn. */
  maxFeatures: number;
  minSamplesLeaf: number;
  /** null: grow until the leaves are pure or too small to split. */
  maxDepth: number | null;
}

/** A tree as flat arrays, node 0 the root; a leaf has feature -1. Rows with x[feature] <= threshold go left. */
export interface FlatTree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  /** At a leaf, the weighted share of positives among its training rows (scikit-learn's predict_proba of the tree); 0 elsewhere. */
  value: number[];
}

export interface BinnedTrainingSet {
  /** Per feature, the bin of every row (column-major). */
  codes: Uint8Array[];
  /** Per feature, the raw upper edge of each bin: the threshold of a split after that bin. */
  edges: number[][];
  labels: Uint8Array;
}

/** A leaf's probability, rounded to 6 significant digits: a fraction of small integers needs no more, and the JSON stays short. */
function leafValue(positives: number, weight: number): number {
  return Number((positives / weight).toPrecision(6));
}

interface PendingNode {
  start: number;
  end: number;
  depth: number;
  parent: number;
  isLeft: boolean;
}

/**
 * Grow a tree on the rows in `rows` (distinct row ids) with their `weights` (by row id).
 * `rows` is reordered in place: each node's rows stay contiguous, as in scikit-learn's splitter.
 */
export function growTree(data: BinnedTrainingSet, rows: Int32Array, weights: Int32Array, options: TreeGrowthOptions, random: () => number): FlatTree {
  const featureCount = data.codes.length;
  const { labels, codes, edges } = data;
  const tree: FlatTree = { feature: [], threshold: [], left: [], right: [], value: [] };
  const binWeight = new Int32Array(256);
  const binPositives = new Int32Array(256);
  const binRows = new Int32Array(256);
  const featureOrder = Int32Array.from({ length: featureCount }, (_, feature) => feature);
  const minLeaf = Math.max(1, options.minSamplesLeaf);
  const stack: PendingNode[] = [{ start: 0, end: rows.length, depth: 0, parent: -1, isLeft: true }];

  while (stack.length > 0) {
    const { start, end, depth, parent, isLeft } = stack.pop() as PendingNode;
    const node = tree.feature.length;
    if (parent >= 0) (isLeft ? tree.left : tree.right)[parent] = node;
    let weight = 0;
    let positives = 0;
    for (let index = start; index < end; index += 1) {
      const row = rows[index] as number;
      const rowWeight = weights[row] as number;
      weight += rowWeight;
      if (labels[row] === 1) positives += rowWeight;
    }
    const count = end - start;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(0);
    const splittable = count >= 2 * minLeaf && positives > 0 && positives < weight && (options.maxDepth === null || depth < options.maxDepth);

    let bestFeature = -1;
    let bestBin = -1;
    let bestProxy = Number.NEGATIVE_INFINITY;
    if (splittable) {
      // Draw features without replacement until maxFeatures non-constant ones were searched.
      let searched = 0;
      for (let drawn = 0; drawn < featureCount && searched < options.maxFeatures; drawn += 1) {
        const pick = drawn + Math.floor(random() * (featureCount - drawn));
        const feature = featureOrder[pick] as number;
        featureOrder[pick] = featureOrder[drawn] as number;
        featureOrder[drawn] = feature;
        const featureCodes = codes[feature] as Uint8Array;
        let lowestBin = 255;
        let highestBin = 0;
        for (let index = start; index < end; index += 1) {
          const row = rows[index] as number;
          const bin = featureCodes[row] as number;
          const rowWeight = weights[row] as number;
          binWeight[bin] = (binWeight[bin] as number) + rowWeight;
          if (labels[row] === 1) binPositives[bin] = (binPositives[bin] as number) + rowWeight;
          binRows[bin] = (binRows[bin] as number) + 1;
          if (bin < lowestBin) lowestBin = bin;
          if (bin > highestBin) highestBin = bin;
        }
        if (lowestBin < highestBin) {
          searched += 1;
          // Gini's proxy (scikit-learn's proxy_impurity_improvement): maximise Σ_side Σ_class count² / side weight.
          let leftWeight = 0;
          let leftPositives = 0;
          let leftRows = 0;
          for (let bin = lowestBin; bin < highestBin; bin += 1) {
            leftRows += binRows[bin] as number;
            leftWeight += binWeight[bin] as number;
            leftPositives += binPositives[bin] as number;
            if (leftRows < minLeaf || (binRows[bin] as number) === 0) continue;
            if (count - leftRows < minLeaf) break;
            const rightWeight = weight - leftWeight;
            const rightPositives = positives - leftPositives;
            const leftNegatives = leftWeight - leftPositives;
            const rightNegatives = rightWeight - rightPositives;
            const proxy = (leftPositives * leftPositives + leftNegatives * leftNegatives) / leftWeight
              + (rightPositives * rightPositives + rightNegatives * rightNegatives) / rightWeight;
            if (proxy > bestProxy) {
              bestProxy = proxy;
              bestFeature = feature;
              bestBin = bin;
            }
          }
        }
        binWeight.fill(0, lowestBin, highestBin + 1);
        binPositives.fill(0, lowestBin, highestBin + 1);
        binRows.fill(0, lowestBin, highestBin + 1);
      }
    }

    if (bestFeature < 0) {
      tree.value[node] = leafValue(positives, weight);
      continue;
    }
    // Partition: rows with bin <= bestBin first.
    const splitCodes = codes[bestFeature] as Uint8Array;
    let low = start;
    let high = end - 1;
    while (low <= high) {
      if ((splitCodes[rows[low] as number] as number) <= bestBin) low += 1;
      else {
        const held = rows[low] as number;
        rows[low] = rows[high] as number;
        rows[high] = held;
        high -= 1;
      }
    }
    tree.feature[node] = bestFeature;
    tree.threshold[node] = (edges[bestFeature] as number[])[bestBin] as number;
    // Right pushed first so the left child is grown next: node ids are in preorder, the left child is node + 1.
    stack.push({ start: low, end, depth: depth + 1, parent: node, isLeft: false });
    stack.push({ start, end: low, depth: depth + 1, parent: node, isLeft: true });
  }
  return tree;
}
