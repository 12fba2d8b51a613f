import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { Document, YAMLMap } from 'yaml';

/**
 * Seeded tables shaped like a user's own data, described by a dataset spec (YAML), that no
 * product code knows: a credit-risk table with ids and timestamps, a churn table with mixed
 * column order and a target in the middle, and a table whose label follows an interaction
 * rule (XOR, category × number) that only a tree ensemble captures.
 *
 * Every table draws each row's label from a fixed rule over its observed features, so the
 * covariate drift (`drift: 'covariate'`) moves some features and leaves the rule alone.
 */

export const OWN_TABLE_NAMES = ['credit', 'churn', 'interaction'] as const;
export type OwnTableName = (typeof OWN_TABLE_NAMES)[number];

export interface OwnTableFiles {
  spec: string;
  reference: string;
  current: string;
  specText: string;
  featureNames: string[];
  targetColumn: string;
}

export interface OwnTableOptions {
  referenceRows?: number;
  currentRows?: number;
  seed?: number;
  drift?: 'covariate' | 'none';
}

type FeatureType = 'numerical' | 'integer' | 'categorical';

interface FeatureColumn {
  name: string;
  type: FeatureType;
  /** Declared in the spec; the generator keeps every value inside. */
  min?: number;
  max?: number;
  /** Decimals a numerical value is written with. */
  decimals?: number;
  /** Share of cells left empty at random (besides any the row itself leaves empty). */
  missingRate?: number;
}

/** What a test or the bench may rely on about a table, beyond its spec. */
export interface OwnTableTraits {
  /** Numerical columns moved by +0.5 to +1 sd under covariate drift. */
  shiftedNumerical: readonly string[];
  /** The categorical column whose mix changes under covariate drift. */
  shiftedCategorical: string;
  /** Declared share of empty cells per column (columns not named have none). */
  missingRates: Readonly<Record<string, number>>;
  /** Share of positive labels in the reference, as the rule was tuned (±0.03). */
  referencePositiveRate: number;
}

/** A row value; NaN writes an empty cell. */
type CellValue = number | string;

interface SampledRow {
  cells: Record<string, CellValue>;
  positiveProbability: number;
}

interface OwnTableDefinition {
  name: OwnTableName;
  id: { column: string; format: (rowIndex: number) => string };
  time?: { column: string; referenceStart: string; referenceDays: number; currentDays: number };
  target: { column: string; positive: string | number; negative: string | number };
  /** In CSV order. */
  features: readonly FeatureColumn[];
  /** The feature the target column follows in the CSV; absent: the target is the last column. */
  targetAfter?: string;
  missing: 'impute' | 'refuse';
  shiftedNumerical: readonly string[];
  shiftedCategorical: string;
  referencePositiveRate: number;
  sampleRow: (draws: Draws, shifted: boolean) => SampledRow;
}

class Draws {
  private readonly next: () => number;

  constructor(seedText: string) {
    this.next = seedrandom.alea(seedText);
  }

  uniform(): number {
    return this.next();
  }

  /** Standard normal by Box–Muller (one value a call, two uniforms consumed). */
  normal(): number {
    const radius = Math.sqrt(-2 * Math.log(1 - this.next()));
    return radius * Math.cos(2 * Math.PI * this.next());
  }

  bernoulli(probability: number): boolean {
    return this.next() < probability;
  }

  /** Knuth's method: fine for the small means used here. */
  poisson(mean: number): number {
    const limit = Math.exp(-mean);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count += 1;
      product *= this.next();
    }
    return count;
  }

  pick<T>(weighted: readonly (readonly [T, number])[]): T {
    const total = weighted.reduce((sum, [, weight]) => sum + weight, 0);
    let remaining = this.next() * total;
    for (const [value, weight] of weighted) {
      remaining -= weight;
      if (remaining < 0) return value;
    }
    return weighted[weighted.length - 1]![0];
  }
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const clamp = (x: number, low: number, high: number): number => Math.min(high, Math.max(low, x));

// ---------------------------------------------------------------- credit

const HOME_OWNERSHIP = [['RENT', 0.4], ['MORTGAGE', 0.38], ['OWN', 0.18], ['OTHER', 0.04]] as const;
const HOME_OWNERSHIP_EFFECT: Record<string, number> = { RENT: 0.35, MORTGAGE: -0.1, OWN: -0.25, OTHER: 0.3 };
const PURPOSE_REFERENCE = [
  ['debt consolidation', 0.34], ['credit card', 0.18], ['home improvement', 0.12], ['car', 0.1],
  ['medical', 0.06], ['small business', 0.06], ['vacation, travel', 0.06], ['other "misc"', 0.08],
] as const;
const PURPOSE_SHIFTED = [
  ['debt consolidation', 0.24], ['credit card', 0.14], ['home improvement', 0.1], ['car', 0.08],
  ['medical', 0.06], ['small business', 0.16], ['vacation, travel', 0.14], ['other "misc"', 0.08],
] as const;
const PURPOSE_EFFECT: Record<string, number> = {
  'debt consolidation': 0.1, 'credit card': 0, 'home improvement': -0.25, car: -0.2,
  medical: 0.2, 'small business': 0.5, 'vacation, travel': 0.3, 'other "misc"': 0.1,
};
const REGION = [['North East', 0.2], ['South', 0.32], ['Midwest', 0.2], ['West', 0.18], ['Pacific Northwest', 0.1]] as const;
const EMPLOYMENT = [
  ['full-time', 0.58], ['part-time', 0.12], ['self-employed', 0.12], ['contract', 0.09], ['unemployed', 0.05], ['retired', 0.04],
] as const;
const EMPLOYMENT_EFFECT: Record<string, number> = {
  'full-time': -0.1, 'part-time': 0.2, 'self-employed': 0.25, contract: 0.25, unemployed: 0.6, retired: 0,
};

const credit: OwnTableDefinition = {
  name: 'credit',
  id: { column: 'application_id', format: (rowIndex) => `APP-${String(rowIndex + 1).padStart(7, '0')}` },
  time: { column: 'applied_at', referenceStart: '2026-03-01T00:00:00Z', referenceDays: 20, currentDays: 10 },
  target: { column: 'loan_status', positive: 'bad', negative: 'good' },
  features: [
    { name: 'income', type: 'numerical', min: 0, decimals: 2, missingRate: 0.03 },
    { name: 'loan_amount', type: 'numerical', min: 0, decimals: 2 },
    { name: 'debt_to_income', type: 'numerical', min: 0, max: 1, decimals: 4, missingRate: 0.03 },
    { name: 'credit_utilization', type: 'numerical', min: 0, max: 1, decimals: 4 },
    { name: 'interest_rate', type: 'numerical', min: 0, decimals: 2 },
    { name: 'age', type: 'integer', min: 18, max: 100 },
    { name: 'open_accounts', type: 'integer', min: 0 },
    { name: 'months_employed', type: 'integer', min: 0 },
    { name: 'delinquencies_2y', type: 'integer', min: 0 },
    { name: 'has_cosigner', type: 'integer', min: 0, max: 1 },
    { name: 'home_ownership', type: 'categorical' },
    { name: 'purpose', type: 'categorical' },
    { name: 'region', type: 'categorical', missingRate: 0.02 },
    { name: 'employment_type', type: 'categorical' },
  ],
  missing: 'impute',
  shiftedNumerical: ['income', 'loan_amount', 'debt_to_income'],
  shiftedCategorical: 'purpose',
  referencePositiveRate: 0.2,
  sampleRow(draws, shifted) {
    // Latent z-scores; each written feature is a fixed function of them, and the label
    // rule reads them back from the written values' latents, so the rule is one over features.
    const incomeZ = draws.normal() + (shifted ? 0.7 : 0);
    const income = Math.exp(10.85 + 0.55 * incomeZ);
    const loanZ = draws.normal() + (shifted ? 0.4 : 0);
    const loanAmount = Math.exp(9.3 + 0.5 * loanZ + 0.25 * incomeZ);
    const debtZ = draws.normal() + (shifted ? 0.8 : 0);
    const debtToIncome = logistic(-1.1 + 0.55 * debtZ);
    const utilizationZ = draws.normal();
    const creditUtilization = logistic(-0.5 + 1.0 * utilizationZ);
    const delinquencies = draws.poisson(0.35);
    const interestRate = 5.5 + 16 * logistic(-0.8 + 0.5 * utilizationZ + 0.35 * delinquencies - 0.3 * incomeZ + 0.5 * draws.normal());
    const age = clamp(Math.round(18 + Math.exp(3.05 + 0.5 * draws.normal())), 18, 100);
    const ageZ = (age - 42) / 13;
    const openAccounts = draws.poisson(5.5);
    const employment = age >= 66 && draws.bernoulli(0.7) ? 'retired' : draws.pick(EMPLOYMENT);
    const monthsEmployedRaw = employment === 'unemployed' || employment === 'retired'
      ? draws.poisson(2)
      : Math.round(Math.exp(3.4 + 0.9 * draws.normal()));
    const monthsEmployed = Math.min(monthsEmployedRaw, (age - 16) * 12);
    const monthsZ = (Math.log1p(monthsEmployed) - 3.4) / 0.9;
    const hasCosigner = draws.bernoulli(0.1) ? 1 : 0;
    const homeOwnership = draws.pick(HOME_OWNERSHIP);
    const purpose = draws.pick(shifted ? PURPOSE_SHIFTED : PURPOSE_REFERENCE);
    const region = draws.pick(REGION);
    const logit = -2.3
      - 0.6 * incomeZ + 0.5 * loanZ + 0.8 * debtZ + 0.6 * utilizationZ + 0.5 * delinquencies
      - 0.25 * ageZ - 0.2 * monthsZ - 0.6 * hasCosigner + 0.03 * (openAccounts - 5.5)
      + HOME_OWNERSHIP_EFFECT[homeOwnership]! + PURPOSE_EFFECT[purpose]! + EMPLOYMENT_EFFECT[employment]!;
    return {
      cells: {
        income, loan_amount: loanAmount, debt_to_income: debtToIncome, credit_utilization: creditUtilization,
        interest_rate: interestRate, age, open_accounts: openAccounts, months_employed: monthsEmployed,
        delinquencies_2y: delinquencies, has_cosigner: hasCosigner, home_ownership: homeOwnership,
        purpose, region, employment_type: employment,
      },
      positiveProbability: logistic(logit),
    };
  },
};

// ---------------------------------------------------------------- churn

const GENDER = [['Female', 0.49], ['Male', 0.49], ['Non-binary', 0.02]] as const;
const CONTRACT_EFFECT: Record<string, number> = { 'Month-to-month': 0.9, 'One year': -0.4, 'Two year': -1.3 };
const INTERNET = [['DSL', 0.34], ['Fiber optic', 0.44], ['None', 0.22]] as const;
const INTERNET_BASE_CHARGE: Record<string, number> = { DSL: 50, 'Fiber optic': 82, None: 22 };
const INTERNET_EFFECT: Record<string, number> = { DSL: 0, 'Fiber optic': 0.4, None: -0.4 };
const INTERNET_GB_MEDIAN: Record<string, number> = { DSL: 60, 'Fiber optic': 140, None: 0 };
const PAYMENT_REFERENCE = [
  ['Electronic check', 0.34], ['Mailed check', 0.22], ['Bank transfer (automatic)', 0.22], ['Credit card (automatic)', 0.22],
] as const;
const PAYMENT_SHIFTED = [
  ['Electronic check', 0.5], ['Mailed check', 0.1], ['Bank transfer (automatic)', 0.2], ['Credit card (automatic)', 0.2],
] as const;
const STATE = [
  ['California', 12], ['Texas', 9], ['Florida', 7], ['New York', 6], ['Pennsylvania', 4], ['Illinois', 4], ['Ohio', 3.5],
  ['Georgia', 3.2], ['North Carolina', 3.2], ['Michigan', 3], ['New Jersey', 2.8], ['Virginia', 2.6], ['Washington', 2.3],
  ['Arizona', 2.2], ['Massachusetts', 2.1],
] as const;
const PLAN_TIER = [['Basic', 0.4], ['Standard', 0.35], ['Premium', 0.18], ['Premium, family', 0.07]] as const;
const DEVICE_OS = [['iOS', 0.45], ['Android', 0.5], ['Other', 0.05]] as const;

const churn: OwnTableDefinition = {
  name: 'churn',
  id: { column: 'customer_id', format: (rowIndex) => `C${200001 + rowIndex}` },
  target: { column: 'churned', positive: 'Yes', negative: 'No' },
  targetAfter: 'monthly_charges',
  features: [
    { name: 'gender', type: 'categorical' },
    { name: 'senior_citizen', type: 'integer', min: 0, max: 1 },
    { name: 'tenure_months', type: 'integer', min: 0, max: 72 },
    { name: 'contract', type: 'categorical' },
    { name: 'monthly_charges', type: 'numerical', min: 0, decimals: 2 },
    { name: 'internet_service', type: 'categorical' },
    // Empty when tenure is 0 (no bill yet), besides the random 2%.
    { name: 'total_charges', type: 'numerical', min: 0, decimals: 2, missingRate: 0.02 },
    { name: 'payment_method', type: 'categorical' },
    { name: 'num_support_tickets', type: 'integer', min: 0 },
    { name: 'state', type: 'categorical', missingRate: 0.03 },
    { name: 'avg_monthly_gb', type: 'numerical', min: 0, decimals: 2, missingRate: 0.04 },
    { name: 'streaming_tv', type: 'categorical' },
    { name: 'num_dependents', type: 'integer', min: 0 },
    { name: 'plan_tier', type: 'categorical' },
    { name: 'avg_call_minutes', type: 'numerical', min: 0, decimals: 1 },
    { name: 'num_late_payments', type: 'integer', min: 0 },
    { name: 'paperless_billing', type: 'categorical' },
    { name: 'device_os', type: 'categorical', missingRate: 0.05 },
    { name: 'days_since_last_login', type: 'integer', min: 0, missingRate: 0.03 },
    { name: 'satisfaction_score', type: 'integer', min: 1, max: 5, missingRate: 0.04 },
    { name: 'referral_count', type: 'integer', min: 0 },
    { name: 'discount_pct', type: 'numerical', min: 0, max: 1, decimals: 2 },
  ],
  missing: 'impute',
  shiftedNumerical: ['monthly_charges', 'avg_monthly_gb'],
  shiftedCategorical: 'payment_method',
  referencePositiveRate: 0.25,
  sampleRow(draws, shifted) {
    const gender = draws.pick(GENDER);
    const seniorCitizen = draws.bernoulli(0.16) ? 1 : 0;
    const tenure = clamp(Math.round(Math.exp(2.9 + 0.95 * draws.normal())), 0, 72);
    const tenureZ = (Math.log1p(tenure) - 2.9) / 0.95;
    const contract = draws.pick(
      tenure < 12
        ? [['Month-to-month', 0.8], ['One year', 0.12], ['Two year', 0.08]] as const
        : tenure < 36
          ? [['Month-to-month', 0.55], ['One year', 0.25], ['Two year', 0.2]] as const
          : [['Month-to-month', 0.3], ['One year', 0.3], ['Two year', 0.4]] as const,
    );
    const internet = draws.pick(INTERNET);
    const streamingDraw = draws.bernoulli(0.45);
    const streamingTv = internet === 'None' ? 'No internet service' : streamingDraw ? 'Yes' : 'No';
    const monthlyCharges = Math.max(
      18.25,
      INTERNET_BASE_CHARGE[internet]! * (1 + 0.12 * draws.normal()) + (streamingTv === 'Yes' ? 10 : 0) + (shifted ? 18 : 0),
    );
    const billingNoise = 1 + 0.03 * draws.normal();
    const totalCharges = tenure === 0 ? Number.NaN : monthlyCharges * tenure * billingNoise;
    const payment = draws.pick(shifted ? PAYMENT_SHIFTED : PAYMENT_REFERENCE);
    const supportTickets = draws.poisson(internet === 'Fiber optic' ? 1.6 : 1.0);
    const state = draws.pick(STATE);
    const usageZ = draws.normal() + (shifted ? 0.8 : 0);
    const usageIdle = draws.uniform();
    const avgMonthlyGb = internet === 'None' ? 0.5 * usageIdle : INTERNET_GB_MEDIAN[internet]! * Math.exp(0.6 * usageZ);
    const dependents = Math.min(draws.poisson(0.6), 6);
    const planTier = draws.pick(PLAN_TIER);
    const avgCallMinutes = Math.exp(5.4 + 0.5 * draws.normal());
    const latePayments = draws.poisson(payment === 'Electronic check' ? 0.9 : 0.4);
    const paperless = draws.bernoulli(0.6) ? 'Yes' : 'No';
    const deviceOs = draws.pick(DEVICE_OS);
    const loginZ = draws.normal();
    const daysSinceLogin = Math.round(Math.exp(1.8 + 1.0 * loginZ));
    const satisfaction = clamp(Math.round(3.5 + 1.0 * draws.normal()), 1, 5);
    const referrals = draws.poisson(0.35);
    const discountDraw = draws.uniform();
    const discount = discountDraw < 0.35 ? 0.05 * Math.round(1 + 5 * (discountDraw / 0.35)) : 0;
    const logit = -2.25
      + CONTRACT_EFFECT[contract]! - 0.6 * tenureZ + INTERNET_EFFECT[internet]! + 0.018 * (monthlyCharges - 65)
      + (payment === 'Electronic check' ? 0.45 : 0) + 0.22 * supportTickets + 0.35 * latePayments
      - 0.5 * (satisfaction - 3.5) + 0.25 * seniorCitizen - 0.35 * (referrals > 0 ? 1 : 0)
      + (paperless === 'Yes' ? 0.15 : 0) + 0.2 * loginZ - 0.2 * (dependents > 0 ? 1 : 0) - 1.5 * discount;
    return {
      cells: {
        gender, senior_citizen: seniorCitizen, tenure_months: tenure, contract, monthly_charges: monthlyCharges,
        internet_service: internet, total_charges: totalCharges, payment_method: payment,
        num_support_tickets: supportTickets, state, avg_monthly_gb: avgMonthlyGb, streaming_tv: streamingTv,
        num_dependents: dependents, plan_tier: planTier, avg_call_minutes: avgCallMinutes,
        num_late_payments: latePayments, paperless_billing: paperless, device_os: deviceOs,
        days_since_last_login: daysSinceLogin, satisfaction_score: satisfaction, referral_count: referrals,
        discount_pct: discount,
      },
      positiveProbability: logistic(logit),
    };
  },
};

// ---------------------------------------------------------------- interaction

const CHANNEL = [['web', 0.35], ['store', 0.3], ['partner', 0.25], ['phone', 0.1]] as const;
const DEVICE_REFERENCE = [['desktop', 0.5], ['mobile', 0.4], ['tablet', 0.1]] as const;
const DEVICE_SHIFTED = [['desktop', 0.3], ['mobile', 0.6], ['tablet', 0.1]] as const;

const interaction: OwnTableDefinition = {
  name: 'interaction',
  id: { column: 'row_id', format: (rowIndex) => String(rowIndex + 1) },
  target: { column: 'outcome', positive: 1, negative: 0 },
  features: [
    { name: 'signal_a', type: 'numerical', decimals: 4 },
    { name: 'channel', type: 'categorical' },
    { name: 'signal_b', type: 'numerical', decimals: 4 },
    { name: 'session_count', type: 'integer', min: 0 },
    { name: 'load_index', type: 'numerical', decimals: 4 },
    { name: 'latency_ms', type: 'numerical', min: 0, decimals: 1 },
    { name: 'device', type: 'categorical' },
    { name: 'retries', type: 'integer', min: 0 },
    { name: 'balance', type: 'numerical', decimals: 2 },
    { name: 'humidity', type: 'numerical', min: 0, max: 1, decimals: 3 },
  ],
  missing: 'refuse',
  shiftedNumerical: ['signal_a', 'latency_ms'],
  shiftedCategorical: 'device',
  referencePositiveRate: 0.47,
  sampleRow(draws, shifted) {
    const signalA = draws.normal() + (shifted ? 0.6 : 0);
    const signalB = draws.normal();
    const channel = draws.pick(CHANNEL);
    const loadIndex = draws.normal();
    // The rule: for partner rows the label follows load_index, for the rest the XOR of the
    // signs of the two signals; 10% of labels are flipped.
    const ruleSaysPositive = channel === 'partner' ? loadIndex > 0.3 : (signalA > 0) !== (signalB > 0);
    const sessionCount = draws.poisson(3);
    const latencyMs = Math.exp(4.6 + 0.5 * (draws.normal() + (shifted ? 0.8 : 0)));
    const device = draws.pick(shifted ? DEVICE_SHIFTED : DEVICE_REFERENCE);
    const retries = draws.poisson(0.5);
    const balance = 1000 + 300 * draws.normal();
    const humidity = logistic(0.8 * draws.normal());
    return {
      cells: {
        signal_a: signalA, channel, signal_b: signalB, session_count: sessionCount, load_index: loadIndex,
        latency_ms: latencyMs, device, retries, balance, humidity,
      },
      positiveProbability: ruleSaysPositive ? 0.9 : 0.1,
    };
  },
};

const DEFINITIONS: Record<OwnTableName, OwnTableDefinition> = { credit, churn, interaction };

export const OWN_TABLE_TRAITS: Record<OwnTableName, OwnTableTraits> = Object.fromEntries(
  OWN_TABLE_NAMES.map((name) => {
    const definition = DEFINITIONS[name];
    const missingRates = Object.fromEntries(
      definition.features.filter((feature) => feature.missingRate !== undefined).map((feature) => [feature.name, feature.missingRate!]),
    );
    return [name, {
      shiftedNumerical: definition.shiftedNumerical,
      shiftedCategorical: definition.shiftedCategorical,
      missingRates,
      referencePositiveRate: definition.referencePositiveRate,
    }];
  }),
) as Record<OwnTableName, OwnTableTraits>;

// ---------------------------------------------------------------- writing

/** Hour-of-day weights for timestamps: quiet at night, busy in office hours. */
const HOUR_WEIGHTS = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1, 2, 3.5, 4.5, 5, 5, 5, 5, 4.8, 4.6, 4.5, 4.5, 4.2, 4, 3.6, 3, 2.2, 1.5]
  .map((weight, hour) => [hour, weight] as const);
const SECONDS_PER_DAY = 86_400;

function formatNumber(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function formatCell(feature: FeatureColumn, value: CellValue): string {
  if (typeof value === 'string') return value;
  if (Number.isNaN(value)) return '';
  if (feature.type === 'integer') return String(Math.round(value));
  return formatNumber(value, feature.decimals ?? 4);
}

function csvHeader(definition: OwnTableDefinition): string[] {
  const columns = [definition.id.column];
  if (definition.time) columns.push(definition.time.column);
  for (const feature of definition.features) {
    columns.push(feature.name);
    if (feature.name === definition.targetAfter) columns.push(definition.target.column);
  }
  if (definition.targetAfter === undefined) columns.push(definition.target.column);
  return columns;
}

/** Sorted epoch seconds, `rows` of them, spread over `days` days from `startSeconds`. */
function drawTimestamps(draws: Draws, rows: number, startSeconds: number, days: number): number[] {
  const stamps: number[] = [];
  for (let row = 0; row < rows; row += 1) {
    const day = Math.floor(draws.uniform() * days);
    const hour = draws.pick(HOUR_WEIGHTS);
    const secondOfHour = Math.floor(draws.uniform() * 3600);
    stamps.push(startSeconds + day * SECONDS_PER_DAY + hour * 3600 + secondOfHour);
  }
  return stamps.sort((left, right) => left - right);
}

function isoSeconds(epochSeconds: number): string {
  return `${new Date(epochSeconds * 1000).toISOString().slice(0, 19)}Z`;
}

function tableCsv(
  definition: OwnTableDefinition,
  side: 'reference' | 'current',
  rows: number,
  firstRowIndex: number,
  seed: number,
  shifted: boolean,
): string {
  const draws = new Draws(`${seed}/${definition.name}/${side}`);
  const timestamps = definition.time
    ? drawTimestamps(
      draws,
      rows,
      Date.parse(definition.time.referenceStart) / 1000 + (side === 'current' ? definition.time.referenceDays * SECONDS_PER_DAY : 0),
      side === 'current' ? definition.time.currentDays : definition.time.referenceDays,
    )
    : [];
  const lines = [csvHeader(definition).map(csvField).join(',')];
  for (let row = 0; row < rows; row += 1) {
    const sampled = definition.sampleRow(draws, shifted);
    const label = draws.bernoulli(sampled.positiveProbability) ? definition.target.positive : definition.target.negative;
    const fields = [definition.id.format(firstRowIndex + row)];
    if (definition.time) fields.push(isoSeconds(timestamps[row]!));
    for (const feature of definition.features) {
      const blank = feature.missingRate !== undefined && draws.bernoulli(feature.missingRate);
      fields.push(blank ? '' : formatCell(feature, sampled.cells[feature.name]!));
      if (feature.name === definition.targetAfter) fields.push(String(label));
    }
    if (definition.targetAfter === undefined) fields.push(String(label));
    lines.push(fields.map(csvField).join(','));
  }
  return `${lines.join('\n')}\n`;
}

function specText(definition: OwnTableDefinition): string {
  const features = Object.fromEntries(definition.features.map((feature) => {
    const declared: { type: FeatureType; min?: number; max?: number } = { type: feature.type };
    if (feature.min !== undefined) declared.min = feature.min;
    if (feature.max !== undefined) declared.max = feature.max;
    return [feature.name, declared];
  }));
  const spec: Record<string, unknown> = { name: definition.name, id: definition.id.column };
  if (definition.time) spec.time = definition.time.column;
  spec.target = { ...definition.target };
  spec.features = features;
  spec.missing = definition.missing;
  const document = new Document(spec);
  (document.get('target', true) as YAMLMap).flow = true;
  for (const pair of (document.get('features', true) as YAMLMap).items) (pair.value as YAMLMap).flow = true;
  return document.toString({ lineWidth: 0 });
}

/**
 * Writes DIR/<name>.yaml, DIR/<name>_reference.csv and DIR/<name>_current.csv (current
 * drifted unless `drift: 'none'`), returns their paths. Same seed → byte-identical files.
 */
export function writeOwnDataTable(directory: string, name: OwnTableName, options: OwnTableOptions = {}): OwnTableFiles {
  const { referenceRows = 4000, currentRows = 3000, seed = 7, drift = 'covariate' } = options;
  for (const [option, rows] of [['referenceRows', referenceRows], ['currentRows', currentRows]] as const) {
    if (!Number.isInteger(rows) || rows < 1) throw new Error(`${option} must be a positive integer, got ${rows}`);
  }
  const definition = DEFINITIONS[name];
  mkdirSync(directory, { recursive: true });
  const files = {
    spec: join(directory, `${name}.yaml`),
    reference: join(directory, `${name}_reference.csv`),
    current: join(directory, `${name}_current.csv`),
  };
  const text = specText(definition);
  writeFileSync(files.spec, text);
  writeFileSync(files.reference, tableCsv(definition, 'reference', referenceRows, 0, seed, false));
  writeFileSync(files.current, tableCsv(definition, 'current', currentRows, referenceRows, seed, drift === 'covariate'));
  return {
    ...files,
    specText: text,
    featureNames: definition.features.map((feature) => feature.name),
    targetColumn: definition.target.column,
  };
}
