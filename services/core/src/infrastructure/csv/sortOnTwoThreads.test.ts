import { describe, expect, it } from 'vitest';
import { sortOnTwoThreads } from './sortOnTwoThreads.ts';

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
  it('sorts every column, gives them back in input order, and both sides take columns', async () => {
    const now = Array.from({ length: 8 }, (_, index) => descending(200, index * 1000));
    const later = Array.from({ length: 8 }, (_, index) => descending(300, -index * 1000));
    const helper = fakeHelper();
    const sorted = await sortOnTwoThreads(now, Promise.resolve(later), helper.sort);
    expect(sorted.now.map((values) => values[0])).toEqual(now.map((_, index) => index * 1000 - 199));
    expect(sorted.later.map((values) => values.length)).toEqual(later.map(() => 300));
    expect([...sorted.now, ...sorted.later].every(isSorted)).toBe(true);
    // The helper was free from the start (later had come), so it took some of the work, and this thread the rest.
    expect(helper.taken.length).toBeGreaterThan(0);
    expect(helper.taken.length).toBeLessThan(16);
  });

  it('waits for the later columns when its own are done, then sorts them beside the helper', async () => {
    let arrive: (columns: Float64Array[]) => void = () => undefined;
    const later = new Promise<Float64Array[]>((resolve) => { arrive = resolve; });
    const helper = fakeHelper();
    const result = sortOnTwoThreads([column(3, 1, 2)], later, helper.sort);
    await new Promise((resolve) => setTimeout(resolve, 20));
    arrive([column(9, 8), column(7, 5, 6), column(4, 4, 0)]);
    const sorted = await result;
    expect(sorted.now).toEqual([column(1, 2, 3)]);
    expect(sorted.later).toEqual([column(8, 9), column(5, 6, 7), column(0, 4, 4)]);
    // Its own column was sorted before the helper was free: the helper took only later ones.
    expect(helper.taken.every((values) => values.length !== 3 || values[0] !== 3)).toBe(true);
  });

  it('copes with nothing to sort on either side', async () => {
    const helper = fakeHelper();
    expect(await sortOnTwoThreads([], Promise.resolve([]), helper.sort)).toEqual({ now: [], later: [] });
    expect(await sortOnTwoThreads([column(2, 1)], Promise.resolve([]), helper.sort)).toEqual({ now: [column(1, 2)], later: [] });
  });

  it('stops at its next column once the other side has failed, rather than sorting all of its own first', async () => {
    const now = Array.from({ length: 40 }, (_, index) => descending(100, index));
    await expect(sortOnTwoThreads(now, Promise.reject(new Error('reference.csv: line 3: a quote inside an unquoted field')), fakeHelper().sort)).rejects.toThrow('line 3');
    expect(now.filter(isSorted).length).toBeLessThan(3);
    const failingHelper = async () => { throw new Error('worker ended'); };
    const own = Array.from({ length: 40 }, (_, index) => descending(100, index));
    await expect(sortOnTwoThreads(own, Promise.resolve([column(2, 1)]), failingHelper)).rejects.toThrow('worker ended');
    expect(own.filter(isSorted).length).toBeLessThan(4);
  });

  it('fails with the later side\'s error (the other file\'s read) and with the helper\'s', async () => {
    const helper = fakeHelper();
    await expect(sortOnTwoThreads([column(2, 1)], Promise.reject(new Error('reference.csv: line 3: expected 2 fields, found 3')), helper.sort)).rejects.toThrow('line 3');
    const failing = async () => { throw new Error('worker ended'); };
    await expect(sortOnTwoThreads([column(2, 1), column(4, 3)], Promise.resolve([column(6, 5), column(8, 7)]), failing)).rejects.toThrow('worker ended');
  });
});
