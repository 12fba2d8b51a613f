/**
 * The exact null distribution of the two-sample Kolmogorov-Smirnov statistic, as
 * SciPy's ks_2samp computes it (method "exact"): Pr(D >= h / lcm(m, n)).
 */

/** m == n: the alternating series over reflections, in Horner form (no cancellation). */
export function probabilityOutsideSquare(n: number, h: number): number {
  let probability = 0;
  for (let k = Math.floor(n / h); k >= 0; k -= 1) {
    let term = 1;
    for (let j = 0; j < h; j += 1) term = ((n - k * h - j) * term) / (n + k * h + j + 1);
    probability = term * (1 - probability);
  }
  return 2 * probability;
}

/**
 * m != n: the proportion of lattice paths from (0,0) to (m,n) that leave the band
 * |x/m - y/n| < h/lcm, computed as 1 - p directly (Hodges 1958; Viehmann 2021), one
 * sliding column at a time.
 */
export function probabilityOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const m = Math.max(m0, n0);
  const n = Math.min(m0, n0);
  const mg = Math.floor(m / g);
  const ng = Math.floor(n / g);
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const column = new Float64Array(lenA).fill(1);
  column.fill(0, minj, maxj);
  for (let i = 1; i <= m; i += 1) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let value = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj += 1) {
      const j = jj + minj;
      value = ((column[jj + minj - lastminj] as number) * i + value * j) / (i + j);
      column[jj] = value;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) column.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return column[maxj - minj - 1] as number;
}

export function greatestCommonDivisor(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** numpy.round: half to even. */
export function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** SciPy's _attempt_exact_2kssamp, two-sided: undefined when the computation is not usable. */
export function exactTwoSidedPValue(n1: number, n2: number, d: number): number | undefined {
  const g = greatestCommonDivisor(n1, n2);
  const lcm = Math.floor(n1 / g) * n2;
  const h = roundHalfToEven(d * lcm);
  if (h === 0) return 1;
  const probability = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
  if (!Number.isFinite(probability) || probability < 0 || probability > 1) return undefined;
  return probability;
}
