import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../../../tests/helpers/runScript.ts';
import { spawnCsvReadWorker } from './parallelCsvRead.ts';

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
});
