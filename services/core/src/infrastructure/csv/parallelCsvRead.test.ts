import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../../../tests/helpers/runScript.ts';
import type { ColumnTable } from './columnTable.ts';
import { finishParallelRead, readCsvTableHere, spawnCsvReadWorker } from './parallelCsvRead.ts';

const temp = makeTempDir('parallel-read');
afterAll(() => temp.cleanup());

describe('the CSV read worker', () => {
  it('reads and sorts its file, sorts a column it is sent, and fails at once, without hanging, once it has ended', async () => {
    const path = join(temp.path, 'numbers.csv');
    writeFileSync(path, 'a,b\n3,x\n1,y\n2,z\n');
    const inWorker = spawnCsvReadWorker().read({ path, options: {}, numericalToClean: 'all' });
    const read = await inWorker.result;
    expect(read.rowCount).toBe(3);
    expect(read.finite.map((numbers) => [numbers.name, [...numbers.values]])).toEqual([['a', [1, 2, 3]]]);
    expect([...(await inWorker.sortThere(Float64Array.of(5, -1, 2)))]).toEqual([-1, 2, 5]);
    inWorker.terminate();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Asked after the worker ended: before, this waited forever for a reply that could not come.
    await expect(inWorker.sortThere(Float64Array.of(2, 1))).rejects.toThrow(/CSV read worker ended/);
  });

  it('says the file\'s own error, as a user error', async () => {
    const path = join(temp.path, 'ragged.csv');
    writeFileSync(path, 'a,b\n1,2\n3\n');
    const inWorker = spawnCsvReadWorker().read({ path, options: {}, numericalToClean: 'all' });
    await expect(inWorker.result).rejects.toThrow(`${path}: line 3: expected 2 fields, found 1`);
    inWorker.terminate();
  });

  it('reads two files on two threads into the tables one thread makes, whichever thread is done first', async () => {
    const columns = Array.from({ length: 24 }, (_, index) => `c${index}`);
    const write = (name: string, rows: number) => {
      const path = join(temp.path, name);
      const lines = Array.from({ length: rows }, (_, row) => columns.map((_, index) => ((row * 7919 + index * 104729) % 1000) / 100 - 5).join(','));
      writeFileSync(path, `${columns.join(',')}\n${lines.join('\n')}\n`);
      return path;
    };
    const large = write('large.csv', 40_000);
    const tiny = write('tiny.csv', 1);
    const read = (path: string) => ({ path, options: {}, numericalToClean: 'all' as const });
    const expectSameAsOneThread = (table: ColumnTable, path: string) => {
      const expected = readCsvTableHere(read(path));
      for (const name of columns) expect([...(table.cleaned.get(name)?.sorted ?? [])]).toEqual([...(expected.cleaned.get(name)?.sorted ?? [])]);
    };
    // A large reference and a tiny current: this thread is done long before the worker, and asks it for half of its columns.
    const asking = spawnCsvReadWorker().read(read(large));
    const [reference, current] = await finishParallelRead(asking, read(tiny));
    expect((await asking.result).given.length).toBeGreaterThan(0);
    expectSameAsOneThread(reference, large);
    expectSameAsOneThread(current, tiny);
    // A tiny reference and a large current: the worker is usually done first and sorts columns of the current beside
    // this thread (which one finishes first depends on how fast the worker boots, so only the tables are held).
    const helping = spawnCsvReadWorker().read(read(tiny));
    const [small, big] = await finishParallelRead(helping, read(large));
    expectSameAsOneThread(small, tiny);
    expectSameAsOneThread(big, large);
  });
});
