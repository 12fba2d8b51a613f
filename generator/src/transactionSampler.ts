import { Faker, en } from '@faker-js/faker';
import normalDistribution from '@stdlib/random-base-normal';
import betaDistribution from '@stdlib/random-base-beta';
import exponentialDistribution from '@stdlib/random-base-exponential';
import type { Transaction } from './transactionColumns.ts';
import type { ScenarioConfig } from './scenarioConfig.ts';
import { formatUtcSeconds } from './utcTimestamp.ts';
import { uuidV4FromWords } from './transactionId.ts';

export type UniformRandom = () => number;

const NIGHT_HOURS_END = 5;
/** Centres of the label rule: fixed constants, so the rule does not move with the data. */
const LOG_AMOUNT_CENTRE = 3.9;
const MERCHANT_RISK_CENTRE = 0.29;
const LOG_DISTANCE_CENTRE = 2.4;
const HIGH_AMOUNT = 150;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Draw an index with probability proportional to its weight (cumulative table + linear scan; tables are tiny). */
export function categoricalSampler(weights: number[], rng: UniformRandom): () => number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const cumulative: number[] = [];
  let running = 0;
  for (const weight of weights) {
    running += weight / total;
    cumulative.push(running);
  }
  return () => {
    const draw = rng();
    for (let index = 0; index < cumulative.length; index += 1) {
      if (draw < (cumulative[index] as number)) return index;
    }
    return cumulative.length - 1;
  };
}

export function sigmoid(value: number): number {
  return 1 / (1 + Math.exp(-value));
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

/**
 * One seeded stream drives every draw: the sampler takes the scenario and a uniform RNG
 * and returns a function producing the next transaction. Faker (ids only) is seeded
 * from the same stream, so the seed alone fixes the file.
 */
export function createTransactionSampler(config: ScenarioConfig, rng: UniformRandom): () => Transaction {
  const faker = new Faker({ locale: [en] });
  faker.seed(Math.floor(rng() * 2 ** 32));
  const nextWord = (): number => faker.number.int({ max: 0xffffffff });

  const normal = normalDistribution.factory({ prng: rng });
  const { features, label, spike } = config;
  const beta = betaDistribution.factory(features.merchant_risk_score.alpha, features.merchant_risk_score.beta, { prng: rng });
  const exponential = exponentialDistribution.factory(1 / features.account_tenure_days.mean, { prng: rng });

  const drawHour = categoricalSampler(config.hour_weights, rng);
  const spikeHours = new Set(spike?.hours ?? []);
  const drawSpikeHour = spike ? categoricalSampler(spike.hours.map(() => 1), rng) : undefined;
  const categoryNames = Object.keys(features.merchant_category.weights);
  const drawCategory = categoricalSampler(Object.values(features.merchant_category.weights), rng);
  const channelNames = Object.keys(features.channel.weights);
  const drawChannel = categoricalSampler(Object.values(features.channel.weights), rng);
  const startMs = Date.parse(`${config.time.start}T00:00:00Z`);

  return () => {
    const isSpikeRow = spike !== undefined && rng() < spike.volume_share;
    const hour = isSpikeRow && drawSpikeHour && spike ? (spike.hours[drawSpikeHour()] as number) : drawHour();
    const inSpikeHours = spikeHours.has(hour);
    const day = Math.floor(rng() * config.time.days);
    const eventMs = startMs + day * DAY_MS + hour * HOUR_MS + Math.floor(rng() * HOUR_MS / 1000) * 1000;

    const amountMultiplier = features.transaction_amount.multiplier * (inSpikeHours && spike ? spike.amount_multiplier : 1);
    const amount = round(Math.exp(normal(features.transaction_amount.log_mean, features.transaction_amount.log_sd)) * amountMultiplier, 2);
    const distance = round(Math.exp(normal(features.geo_distance_km.log_mean, features.geo_distance_km.log_sd)) * features.geo_distance_km.multiplier, 2);
    const age = Math.round(clamp(normal(features.customer_age.mean, features.customer_age.sd), features.customer_age.min, features.customer_age.max));
    const tenure = Math.min(features.account_tenure_days.max, Math.floor(exponential()));
    const merchantRisk = round(clamp(beta() + features.merchant_risk_score.shift, 0, 1), 4);
    const internationalRate = inSpikeHours && spike ? spike.international_rate : features.is_international.rate;
    const international: 0 | 1 = rng() < internationalRate ? 1 : 0;
    const category = categoryNames[drawCategory()] as string;
    const channel = channelNames[drawChannel()] as string;

    const night = hour <= NIGHT_HOURS_END ? 1 : 0;
    const weights = label.weights;
    const logit = label.intercept
      + weights.log_amount * (Math.log(Math.max(amount, 0.01)) - LOG_AMOUNT_CENTRE)
      + weights.night * night
      + weights.international * international
      + weights.merchant_risk * (merchantRisk - MERCHANT_RISK_CENTRE)
      + weights.log_distance * (Math.log1p(distance) - LOG_DISTANCE_CENTRE)
      + weights.night_high_amount * night * (amount >= HIGH_AMOUNT ? 1 : 0)
      + (label.noise_sd > 0 ? normal(0, label.noise_sd) : 0);
    const fraudProbability = Math.min(1, sigmoid(logit) * (inSpikeHours && spike ? spike.fraud_multiplier : 1));
    const isFraud: 0 | 1 = rng() < fraudProbability ? 1 : 0;

    return {
      transaction_id: uuidV4FromWords(nextWord(), nextWord(), nextWord(), nextWord()),
      event_time: formatUtcSeconds(eventMs),
      transaction_amount: amount,
      transaction_hour: hour,
      customer_age: age,
      account_tenure_days: tenure,
      merchant_risk_score: merchantRisk,
      geo_distance_km: distance,
      is_international: international,
      merchant_category: category,
      channel,
      is_fraud: isFraud,
    };
  };
}
