/**
 * Isotonic calibration of a model's scores, as scikit-learn's
 * IsotonicRegression(out_of_bounds='clip'): the non-decreasing step function closest to
 * the labels (pool adjacent violators), kept as the end points of its steps and read by
 * linear interpolation between them. Fitted on held-out validation rows, it turns a
 * score into the fraud rate the model's scores of that height really had; the monitor
 * estimates performance without labels from it (CBPE).
 */

/** How an artifact stores its calibration: the curve's points, increasing in score. */
export interface IsotonicCalibration {
  method: 'isotonic';
  /** The rows it was fitted on: the validation split of training, never trained on. */
  fitted_on: 'validation';
  rows: number;
  positives: number;
  /** Increasing raw scores; a score between two is interpolated, one outside is clipped to the end. */
  scores: number[];
  probabilities: number[];
}

interface Block { firstScore: number; lastScore: number; weight: number; mean: number }

/** Distinct scores in increasing order, each with its row count and mean label (ties pooled first, as scikit-learn does). */
function pooledTies(scores: ArrayLike<number>, labels: ArrayLike<number>): Block[] {
  const order = Array.from({ length: scores.length }, (_, index) => index).sort((a, b) => (scores[a] as number) - (scores[b] as number) || a - b);
  const blocks: Block[] = [];
  for (const row of order) {
    const score = scores[row] as number;
    const label = labels[row] as number;
    const last = blocks[blocks.length - 1];
    if (last !== undefined && last.lastScore === score) {
      last.mean += (label - last.mean) / (last.weight + 1);
      last.weight += 1;
    } else {
      blocks.push({ firstScore: score, lastScore: score, weight: 1, mean: label });
    }
  }
  return blocks;
}

/** Pool adjacent violators: merge neighbouring blocks until their means never decrease. */
function poolAdjacentViolators(blocks: Block[]): Block[] {
  const stack: Block[] = [];
  for (const block of blocks) {
    let current = { ...block };
    while (stack.length > 0 && (stack[stack.length - 1] as Block).mean >= current.mean) {
      const previous = stack.pop() as Block;
      const weight = previous.weight + current.weight;
      current = { firstScore: previous.firstScore, lastScore: current.lastScore, weight, mean: (previous.mean * previous.weight + current.mean * current.weight) / weight };
    }
    stack.push(current);
  }
  return stack;
}

/**
 * The isotonic curve of labels on scores. Equal neighbouring means are merged too:
 * scikit-learn keeps only the points where the curve changes, which are the ends of
 * its flat steps.
 */
export function fitIsotonicCalibration(scores: ArrayLike<number>, labels: ArrayLike<number>): IsotonicCalibration {
  if (scores.length !== labels.length) throw new Error(`scores (${scores.length}) and labels (${labels.length}) differ in length`);
  if (scores.length === 0) throw new Error('isotonic calibration needs at least one row');
  const steps = poolAdjacentViolators(pooledTies(scores, labels));
  const points: number[] = [];
  const probabilities: number[] = [];
  for (const step of steps) {
    points.push(step.firstScore);
    probabilities.push(step.mean);
    if (step.lastScore !== step.firstScore) {
      points.push(step.lastScore);
      probabilities.push(step.mean);
    }
  }
  let positives = 0;
  for (let index = 0; index < labels.length; index += 1) positives += labels[index] as number;
  return { method: 'isotonic', fitted_on: 'validation', rows: scores.length, positives, scores: points, probabilities };
}

/** The calibrated probability of each score: interpolated between the curve's points, clipped at its ends. */
export function calibratedProbabilities(calibration: Pick<IsotonicCalibration, 'scores' | 'probabilities'>, scores: ArrayLike<number>): Float64Array {
  const { scores: xs, probabilities: ys } = calibration;
  const last = xs.length - 1;
  const out = new Float64Array(scores.length);
  for (let index = 0; index < scores.length; index += 1) {
    const score = scores[index] as number;
    if (score <= (xs[0] as number)) { out[index] = ys[0] as number; continue; }
    if (score >= (xs[last] as number)) { out[index] = ys[last] as number; continue; }
    // The first point above the score, by binary search: the curve can hold thousands of points.
    let low = 0;
    let high = last;
    while (high - low > 1) {
      const middle = (low + high) >> 1;
      if ((xs[middle] as number) <= score) low = middle;
      else high = middle;
    }
    const x0 = xs[low] as number;
    const x1 = xs[high] as number;
    const y0 = ys[low] as number;
    const y1 = ys[high] as number;
    out[index] = x1 === x0 ? y1 : y0 + ((score - x0) * (y1 - y0)) / (x1 - x0);
  }
  return out;
}
