import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../../../tests/helpers/runScript.ts';
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
    // A reference of many columns and a current of few: this thread is done first and asks the worker for columns.
    const reference = join(temp.path, 'wide.csv');
    const columns = Array.from({ length: 24 }, (_, index) => `c${index}`);
    const rows = Array.from({ length: 3000 }, (_, row) => columns.map((_, index) => ((row * 7919 + index * 104729) % 1000) / 100 - 5).join(','));
    writeFileSync(reference, `${columns.join(',')}\n${rows.join('\n')}\n`);
    const current = join(temp.path, 'small.csv');
    writeFileSync(current, `${columns.join(',')}\n${columns.map(() => '1.5').join(',')}\n`);
    for (let round = 0; round < 3; round += 1) {
      const inWorker = spawnCsvReadWorker().read({ path: reference, options: {}, numericalToClean: 'all' });
      const [referenceTable, currentTable] = await finishParallelRead(inWorker, { path: current, options: {}, numericalToClean: 'all' });
      const expected = readCsvTableHere({ path: reference, options: {}, numericalToClean: 'all' });
      for (const name of columns) {
        expect([...(referenceTable.cleaned.get(name)?.sorted ?? [])]).toEqual([...(expected.cleaned.get(name)?.sorted ?? [])]);
        expect([...(currentTable.cleaned.get(name)?.sorted ?? [])]).toEqual([1.5]);
      }
    }
  });
});
