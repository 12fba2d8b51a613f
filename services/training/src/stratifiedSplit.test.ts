import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { stratifiedSplit } from './stratifiedSplit.ts';

const labels = Array.from({ length: 1000 }, (_, index) => (index % 25 === 0 ? 1 : 0)); // 40 positives

describe('stratified split', () => {
  it('keeps the class balance on both sides and partitions every row once', () => {
    const { train, validation } = stratifiedSplit(labels, 0.25, seedrandom.alea('1'));
    expect(train.length + validation.length).toBe(1000);
    expect(new Set([...train, ...validation]).size).toBe(1000);
    expect(validation.filter((row) => labels[row] === 1)).toHaveLength(10);
    expect(train.filter((row) => labels[row] === 1)).toHaveLength(30);
  });
  it('is fixed by the seed', () => {
    expect(stratifiedSplit(labels, 0.25, seedrandom.alea('7'))).toEqual(stratifiedSplit(labels, 0.25, seedrandom.alea('7')));
    expect(stratifiedSplit(labels, 0.25, seedrandom.alea('7'))).not.toEqual(stratifiedSplit(labels, 0.25, seedrandom.alea('8')));
  });
  it('puts at least one row of a rare class on each side', () => {
    const rare = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    const { train, validation } = stratifiedSplit(rare, 0.1, seedrandom.alea('3'));
    expect(validation.some((row) => rare[row] === 1)).toBe(true);
    expect(train.some((row) => rare[row] === 1)).toBe(true);
  });
  it('splits a million rows (a class of that size is never spread as call arguments)', () => {
    const many = new Float64Array(1_000_000).map((_, index) => (index % 30 === 0 ? 1 : 0));
    const { train, validation } = stratifiedSplit(many, 0.25, seedrandom.alea('big'));
    expect(train.length + validation.length).toBe(1_000_000);
    expect(Math.abs(validation.length - 250_000)).toBeLessThanOrEqual(1); // each class rounds its own share
  });
});
