import { sortFiniteNumbers } from './numberSort.ts';

/**
 * This thread's columns of numbers, sorted by it and by a helper thread once the helper
 * is free (`helperFree`: the worker that has read and sorted the other file), one column
 * at a time: this thread from the front, the helper from the back, so neither waits while
 * columns are left. This thread has more to do before it parses (its modules, the policy)
 * and measured on 2 cores the worker was often done first, by up to 0.2 s at 200k and 1M
 * rows, and then sat idle. The helper is given a column only when this thread takes a
 * turn of its event loop (between its own columns): a thread busy parsing cannot answer.
 * The other way round, this thread done first, is sortGivingHalfWhenAsked. Columns sent to the helper
 * come back as new arrays (`sortInHelper` moves them, or copies those that share a
 * buffer): the sorted columns are returned in input order. A failure of `helperFree` (the other file's read) or of the helper stops
 * this thread at its next column.
 */
export async function sortOnTwoThreads(
  own: readonly Float64Array[],
  helperFree: Promise<unknown>,
  sortInHelper: (column: Float64Array) => Promise<Float64Array>,
): Promise<Float64Array[]> {
  const columns: Float64Array[] = [...own];
  const pending = columns.map((_, index) => index);
  let helper: Promise<void> = Promise.resolve();
  let failed: { error: unknown } | undefined;
  const helperSorts = async (): Promise<void> => {
    for (let index = pending.pop(); index !== undefined && failed === undefined; index = pending.pop()) columns[index] = await sortInHelper(columns[index] as Float64Array);
  };
  const free = helperFree.then(() => {
    // Two columns in flight: the helper has its next one while this thread, sorting, has not yet taken its reply.
    helper = Promise.all([helperSorts(), helperSorts()]).then(() => undefined);
    helper.catch((error: unknown) => { failed ??= { error }; });
  });
  free.catch((error: unknown) => { failed ??= { error }; });
  // A turn of the event loop first: a helper that became free while this thread parsed is then seen.
  await new Promise((resolve) => setImmediate(resolve));
  for (let index = pending.shift(); index !== undefined; index = pending.shift()) {
    if (failed !== undefined) throw failed.error;
    sortFiniteNumbers(columns[index] as Float64Array);
    // A turn of the event loop between columns: the helper's replies come in then, and it is given its next.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (failed !== undefined) throw failed.error;
  await helper;
  return columns;
}

/**
 * The worker's side of the other way round: it sorts its own columns from the front and,
 * before each, checks whether the main thread, done with its own, has asked for work
 * (`asked`, a synchronous look at a message port: the worker is busy and takes no turn of
 * its event loop); if so it gives away the back half of the columns it has left (`give`,
 * which moves them) and sorts the rest. Measured on 2 cores, either thread can finish its
 * file first, by up to 0.7 s at 1M rows: the host's other load falls on one core or the
 * other. Returns the indices given away, which this thread no longer holds.
 */
export function sortGivingHalfWhenAsked(columns: readonly Float64Array[], asked: () => boolean, give: (indices: number[]) => void): number[] {
  const pending = columns.map((_, index) => index);
  const given: number[] = [];
  while (pending.length > 0) {
    if (given.length === 0 && pending.length > 1 && asked()) {
      const half = pending.splice(Math.ceil(pending.length / 2));
      give(half);
      given.push(...half);
      continue;
    }
    sortFiniteNumbers(columns[pending.shift() as number] as Float64Array);
  }
  return given;
}
