export type UniformRandom = () => number;

export interface SplitIndices {
  train: number[];
  validation: number[];
}

function shuffleInPlace(values: number[], rng: UniformRandom): void {
  for (let index = values.length - 1; index > 0; index -= 1) {
    const swap = Math.floor(rng() * (index + 1));
    const held = values[index] as number;
    values[index] = values[swap] as number;
    values[swap] = held;
  }
}

/**
 * Seeded stratified split: each class contributes round(share x count) rows to
 * validation (at least one when it has two or more), so a rare fraud class is never
 * absent from either side. Indices come back sorted.
 */
export function stratifiedSplit(labels: ArrayLike<number>, validationShare: number, rng: UniformRandom): SplitIndices {
  const byClass = new Map<number, number[]>();
  for (let index = 0; index < labels.length; index += 1) {
    const label = labels[index] as number;
    const members = byClass.get(label) ?? [];
    members.push(index);
    byClass.set(label, members);
  }
  let train: number[] = [];
  let validation: number[] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const members = byClass.get(label) as number[];
    shuffleInPlace(members, rng);
    const validationCount = members.length < 2 ? 0 : Math.min(members.length - 1, Math.max(1, Math.round(validationShare * members.length)));
    // concat, not push(...): spreading a class of 100k+ rows as arguments overflows the stack.
    validation = validation.concat(members.slice(0, validationCount));
    train = train.concat(members.slice(validationCount));
  }
  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}
