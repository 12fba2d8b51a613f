import { sortFiniteNumbers } from './numberSort.ts';

/**
 * Columns of numbers sorted by this thread and a helper thread at once, one column at a
 * time: each takes the next unsorted column when free (this thread from the front, the
 * helper from the back), so neither waits while the other has columns left. `now` is
 * this thread's own; `later` comes from the helper, which is free from then on (a worker
 * that has just read the other file). Parse times differ with the files and with what
 * each thread does first, so no fixed split keeps both busy: measured, the thread that
 * finished its file first waited 0.1-0.6 s for the other. Columns sent to the helper are
 * moved, not copied, and come back as new arrays: the sorted columns are returned in
 * input order, `now`'s then `later`'s.
 */
export async function sortOnTwoThreads(
  now: readonly Float64Array[],
  later: Promise<readonly Float64Array[]>,
  sortInHelper: (column: Float64Array) => Promise<Float64Array>,
): Promise<{ now: Float64Array[]; later: Float64Array[] }> {
  const columns: Float64Array[] = [...now];
  const pending = columns.map((_, index) => index);
  let laterFirst: number | undefined;
  let helper: Promise<void> = Promise.resolve();
  // The first failure of either side (the other file's read, a sort in the helper): this thread stops at its next column.
  let failed: { error: unknown } | undefined;
  const helperSorts = async (): Promise<void> => {
    for (let index = pending.pop(); index !== undefined && failed === undefined; index = pending.pop()) columns[index] = await sortInHelper(columns[index] as Float64Array);
  };
  const arrived = later.then((more) => {
    laterFirst = columns.length;
    for (const column of more) {
      pending.push(columns.length);
      columns.push(column);
    }
    // Two columns in flight: the helper has its next one while this thread, sorting, has not yet taken its reply.
    helper = Promise.all([helperSorts(), helperSorts()]).then(() => undefined);
    helper.catch((error: unknown) => { failed ??= { error }; });
  });
  arrived.catch((error: unknown) => { failed ??= { error }; });
  while (true) {
    if (failed !== undefined) throw failed.error;
    const index = pending.shift();
    if (index === undefined) {
      if (laterFirst !== undefined) break;
      await arrived;
      continue;
    }
    sortFiniteNumbers(columns[index] as Float64Array);
    // A turn of the event loop between columns: the helper's replies and `later` come in then.
    await new Promise((resolve) => setImmediate(resolve));
  }
  await helper;
  return { now: columns.slice(0, laterFirst), later: columns.slice(laterFirst) };
}
