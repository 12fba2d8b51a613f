import { describe, expect, it } from 'vitest';
import { sortGivingHalfWhenAsked, sortOnTwoThreads } from './sortOnTwoThreads.ts';

const column = (...values: number[]) => Float64Array.from(values);
const descending = (length: number, from: number) => Float64Array.from({ length }, (_, index) => from - index);
const isSorted = (values: Float64Array) => values.every((value, index) => index === 0 || (values[index - 1] as number) <= value);

/** A helper thread stand-in: sorts a copy a turn later (a moved column comes back as a new array), counting what it took. */
function fakeHelper() {
  const taken: Float64Array[] = [];
  const sort = async (values: Float64Array) => {
    taken.push(values);
    await new Promise((resolve) => setImmediate(resolve));
    return Float64Array.from(values).sort();
  };
  return { taken, sort };
}

describe('sortOnTwoThreads', () => {
  it('sorts every column, gives them back in input order, and both threads take columns', async () => {
    const own = Array.from({ length: 16 }, (_, index) => descending(200, index * 1000));
    const helper = fakeHelper();
    const sorted = await sortOnTwoThreads(own, Promise.resolve(), helper.sort);
    expect(sorted.map((values) => values[0])).toEqual(own.map((_, index) => index * 1000 - 199));
    expect(sorted.every(isSorted)).toBe(true);
    // The helper was free from the start, so it took some of the work, from the back, and this thread the rest.
    expect(helper.taken.length).toBeGreaterThan(0);
    expect(helper.taken.length).toBeLessThan(16);
    expect(helper.taken[0]?.[0]).toBe(15_000);
  });

  it('sorts alone until the helper is free, then beside it', async () => {
    let free: () => void = () => undefined;
    const helperFree = new Promise<void>((resolve) => { free = resolve; });
    const helper = fakeHelper();
    const own = Array.from({ length: 30 }, (_, index) => descending(50, index));
    const result = sortOnTwoThreads(own, helperFree, helper.sort);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const takenBefore = helper.taken.length;
    free();
    const sorted = await result;
    expect(takenBefore).toBe(0);
    expect(sorted.every(isSorted)).toBe(true);
    expect(sorted.map((values) => values.length)).toEqual(own.map(() => 50));
  });

  it('copes with nothing to sort, and a helper never free', async () => {
    expect(await sortOnTwoThreads([], Promise.resolve(), fakeHelper().sort)).toEqual([]);
    expect(await sortOnTwoThreads([column(2, 1), column(4, 3)], new Promise(() => undefined), fakeHelper().sort)).toEqual([column(1, 2), column(3, 4)]);
  });

  it('stops at its next column once the other file\'s read or the helper has failed, rather than sorting all of its own first', async () => {
    const own = Array.from({ length: 40 }, (_, index) => descending(100, index));
    await expect(sortOnTwoThreads(own, Promise.reject(new Error('reference.csv: line 3: a quote inside an unquoted field')), fakeHelper().sort)).rejects.toThrow('line 3');
    expect(own.filter(isSorted).length).toBeLessThan(3);
    const failingHelper = async () => { throw new Error('worker ended'); };
    const others = Array.from({ length: 40 }, (_, index) => descending(100, index));
    await expect(sortOnTwoThreads(others, Promise.resolve(), failingHelper)).rejects.toThrow('worker ended');
    expect(others.filter(isSorted).length).toBeLessThan(4);
  });
});

describe('sortGivingHalfWhenAsked', () => {
  it('sorts every column when never asked', () => {
    const columns = Array.from({ length: 5 }, (_, index) => descending(20, index));
    expect(sortGivingHalfWhenAsked(columns, () => false, () => { throw new Error('not asked'); })).toEqual([]);
    expect(columns.every(isSorted)).toBe(true);
  });

  it('once asked, gives away the back half of the columns left, once, and sorts the rest', () => {
    const columns = Array.from({ length: 9 }, (_, index) => descending(20, index));
    let checks = 0;
    const gave: number[][] = [];
    const given = sortGivingHalfWhenAsked(columns, () => { checks += 1; return checks === 3; }, (indices) => gave.push(indices));
    // Two sorted before the ask; of the seven left, the last three go.
    expect(given).toEqual([6, 7, 8]);
    expect(gave).toEqual([[6, 7, 8]]);
    expect(columns.slice(0, 6).every(isSorted)).toBe(true);
    expect(columns.slice(6).some(isSorted)).toBe(false);
    // Asked only while more than one column is left and nothing was given yet.
    expect(checks).toBe(3);
  });

  it('keeps its last column when asked for it', () => {
    const columns = [descending(10, 1)];
    expect(sortGivingHalfWhenAsked(columns, () => true, () => { throw new Error('not given'); })).toEqual([]);
    expect(isSorted(columns[0] as Float64Array)).toBe(true);
  });
});
