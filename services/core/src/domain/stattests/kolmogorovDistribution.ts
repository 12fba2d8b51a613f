/**
 * The survival function of the one-sample Kolmogorov-Smirnov statistic D_n
 * (scipy.stats.kstwo.sf), which ks_2samp uses when a sample exceeds 10,000 rows.
 * The same regimes as SciPy's _kolmogn (Simard & L'Ecuyer 2011): Ruben-Gambino at
 * the extremes, 2 x Smirnov in the tail, the Durbin matrix (exact), and Pelz-Good.
 * SciPy uses Pomeranz's (also exact) recursion for n <= 140 where we use Durbin's.
 */

const LOG_2PI = Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const SQRT3 = Math.sqrt(3);
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
const MIN_LOG = -708;
const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;
/** SciPy's Stirling-series coefficients, as the doubles they parse to. */
const STIRLING_COEFFICIENTS = [-0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417, -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333];

function clip(probability: number): number {
  return Math.min(1, Math.max(0, probability));
}

function logFactorialOverPower(n: number): number {
  const reciprocal = 1 / n;
  let polynomial = 0;
  for (const coefficient of STIRLING_COEFFICIENTS) polynomial = polynomial * (reciprocal / n) + coefficient;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + reciprocal * polynomial;
}

/** One-sided exact Smirnov: Pr(D_n^+ >= d), Birnbaum-Tingey sum in log space. */
export function smirnovSurvival(n: number, d: number): number {
  if (d <= 0) return 1;
  if (d >= 1) return 0;
  const last = Math.floor(n * (1 - d));
  let logBinomial = 0;
  let total = 0;
  for (let j = 0; j <= last; j += 1) {
    if (j > 0) logBinomial += Math.log(n - j + 1) - Math.log(j);
    const lower = 1 - d - j / n;
    if (lower <= 0 && n - j > 0) continue;
    const logTerm = logBinomial + (n - j) * Math.log(Math.max(lower, 0)) + (j - 1) * Math.log(d + j / n);
    total += Math.exp(logTerm);
  }
  return clip(d * total);
}

function multiply(a: Float64Array, b: Float64Array, size: number): Float64Array {
  const product = new Float64Array(size * size);
  for (let row = 0; row < size; row += 1) {
    for (let k = 0; k < size; k += 1) {
      const left = a[row * size + k] as number;
      if (left === 0) continue;
      for (let column = 0; column < size; column += 1) product[row * size + column] = (product[row * size + column] as number) + left * (b[k * size + column] as number);
    }
  }
  return product;
}

/** Durbin's matrix method (Marsaglia, Tsang & Wang 2003): the exact CDF Pr(D_n <= d). */
export function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j += 1) {
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial;
  }
  const tail = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tail) * factorial;
  let matrix: Float64Array = new Float64Array(m * m);
  for (let column = 1; column < m; column += 1) {
    for (let row = column - 1; row < m; row += 1) matrix[row * m + column] = w[row - column + 1] as number;
  }
  for (let row = 0; row < m; row += 1) matrix[row * m] = v[row] as number;
  for (let column = 0; column < m; column += 1) matrix[(m - 1) * m + column] = v[m - 1 - column] as number;

  let power: Float64Array = new Float64Array(m * m);
  for (let index = 0; index < m; index += 1) power[index * m + index] = 1;
  let remaining = n;
  let exponent = 0;
  let matrixExponent = 0;
  while (remaining > 0) {
    if (remaining % 2) {
      power = multiply(power, matrix, m);
      exponent += matrixExponent;
    }
    matrix = multiply(matrix, matrix, m);
    matrixExponent *= 2;
    if (Math.abs(matrix[(k - 1) * m + (k - 1)] as number) > SCALE_UP) {
      for (let index = 0; index < matrix.length; index += 1) matrix[index] = (matrix[index] as number) / SCALE_UP;
      matrixExponent += SCALE_EXPONENT;
    }
    remaining = Math.floor(remaining / 2);
  }
  let probability = power[(k - 1) * m + (k - 1)] as number;
  for (let i = 1; i <= n; i += 1) {
    probability = (i * probability) / n;
    if (Math.abs(probability) < SCALE_DOWN) {
      probability *= SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
  }
  return exponent !== 0 ? probability * 2 ** exponent : probability;
}

/** Pelz-Good asymptotic approximation of Pr(D_n <= x). */
export function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const zSquared = z ** 2;
  const zThree = z ** 3;
  const zFour = z ** 4;
  const zSix = z ** 6;
  const qLog = -PI_SQUARED / 8 / zSquared;
  if (qLog < MIN_LOG) return 0;
  let q = Math.exp(qLog);
  const k1a = -zSquared;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * zSix + 2 * zFour;
  const k2b = ((2 * zFour - 5 * zSquared) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * zSquared)) / 16;
  const k3d = (PI_SIX * (5 - 30 * zSquared)) / 64;
  const k3c = (PI_FOUR * (-60 * zSquared + 212 * zFour)) / 16;
  const k3b = (PI_SQUARED * (135 * zFour - 96 * zSix)) / 4;
  const k3a = -30 * zSix - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k > 0; k -= 1) {
    const m = 2 * k - 1;
    const mSquared = m ** 2;
    const mFour = m ** 4;
    const mSix = m ** 6;
    const qPower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * mSquared, k2a + k2b * mSquared + k2c * mFour, k3a + k3b * mSquared + k3c * mFour + k3d * mSix];
    for (let index = 0; index < 4; index += 1) terms[index] = (terms[index] as number) * qPower + (coefficients[index] as number);
  }
  const divisors = [z, 6 * zFour, 72 * z ** 7, 6480 * z ** 10];
  for (let index = 0; index < 4; index += 1) terms[index] = ((terms[index] as number) * q * SQRT_2PI) / (divisors[index] as number);
  q = Math.exp(-PI_SQUARED / 2 / zSquared);
  let k2Extra = 0;
  let k3Extra = 0;
  const sqrt3z = SQRT3 * z;
  for (let k = maxK; k > 0; k -= 1) {
    const kSquared = k ** 2;
    const qPower = q ** kSquared;
    k2Extra += kSquared * qPower;
    const kPi = Math.PI * k;
    k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * kSquared * qPower;
  }
  terms[2] = (terms[2] as number) + (k2Extra * PI_SQUARED * SQRT_2PI) / (-36 * zThree);
  terms[3] = (terms[3] as number) + (k3Extra * PI_SQUARED * SQRT_2PI) / (216 * zSix);
  let total = 0;
  for (let index = 0; index < 4; index += 1) total += (terms[index] as number) / n ** (index / 2);
  return total;
}

/** scipy.stats.kstwo.sf(x, n): Pr(D_n >= x). */
export function kolmogorovSurvival(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    const cdf = n <= 140
      ? Array.from({ length: n }, (_, index) => ((index + 1) / n) * (2 * t - 1)).reduce((product, factor) => product * factor, 1)
      : Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSurvival(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 4) return clip(1 - durbinCdf(n, x));
    return clip(2 * smirnovSurvival(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip(2 * smirnovSurvival(n, x));
  let cdf: number;
  if (nxSquared >= 18) cdf = 1;
  else if (n <= 100_000 && n * x ** 1.5 <= 1.4) cdf = durbinCdf(n, x);
  else cdf = pelzGoodCdf(n, x);
  return clip(1 - cdf);
}
