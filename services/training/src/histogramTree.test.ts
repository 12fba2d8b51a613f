import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { growTree, type FlatTree } from './histogramTree.ts';
import { binColumns } from './quantileBins.ts';

function grow(matrix: number[][], labels: number[], options: { minSamplesLeaf: number; maxFeatures?: number; weights?: number[] }): FlatTree {
  const { codes, edges } = binColumns(matrix);
  const rows = Int32Array.from(matrix.keys());
  const weights = Int32Array.from(options.weights ?? matrix.map(() => 1));
  return growTree({ codes, edges, labels: Uint8Array.from(labels) }, rows, weights, { maxFeatures: options.maxFeatures ?? (matrix[0]?.length ?? 1), minSamplesLeaf: options.minSamplesLeaf, maxDepth: null }, seedrandom.alea('tree'));
}

function leafOf(tree: FlatTree, row: number[]): number {
  let node = 0;
  while ((tree.feature[node] as number) >= 0) node = (row[tree.feature[node] as number] as number) <= (tree.threshold[node] as number) ? tree.left[node] as number : tree.right[node] as number;
  return node;
}

describe('a histogram tree', () => {
  it('splits separable rows once, at a raw threshold between the classes, into pure leaves', () => {
    const matrix = Array.from({ length: 20 }, (_, row) => [row]);
    const tree = grow(matrix, matrix.map(([value]) => ((value as number) >= 10 ? 1 : 0)), { minSamplesLeaf: 1 });
    expect(tree).toEqual({ feature: [0, -1, -1], threshold: [9.5, 0, 0], left: [1, -1, -1], right: [2, -1, -1], value: [0, 0, 1] });
  });

  it('every leaf keeps at least min_samples_leaf distinct training rows', () => {
    const rng = seedrandom.alea('leaves');
    const matrix = Array.from({ length: 600 }, () => [rng(), rng(), rng()]);
    const labels = matrix.map(([a, b]) => ((a as number) + (b as number) > 1 ? 1 : 0));
    const tree = grow(matrix, labels, { minSamplesLeaf: 5, maxFeatures: 2 });
    const rowsPerLeaf = new Map<number, number>();
    for (const row of matrix) rowsPerLeaf.set(leafOf(tree, row), (rowsPerLeaf.get(leafOf(tree, row)) ?? 0) + 1);
    expect(rowsPerLeaf.size).toBeGreaterThan(10);
    expect(Math.min(...rowsPerLeaf.values())).toBeGreaterThanOrEqual(5);
  });

  it("a leaf's value is its weighted share of positives (bootstrap multiplicities count)", () => {
    const matrix = [[1], [1], [1], [1]];
    const tree = grow(matrix, [1, 0, 0, 0], { minSamplesLeaf: 1, weights: [3, 1, 1, 1] });
    expect(tree.feature).toEqual([-1]);
    expect(tree.value).toEqual([0.5]);
  });
});
