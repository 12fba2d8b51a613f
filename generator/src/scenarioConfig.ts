import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { UserError } from '../../services/core/src/infrastructure/errors.ts';
import { assertValid, compileSchema } from '../../services/core/src/infrastructure/jsonSchema.ts';
import { loadYamlWithSchema } from '../../services/core/src/infrastructure/yamlFile.ts';
import scenarioSchema from '../schema/scenario.schema.json' with { type: 'json' };
import { repositoryPath } from '../../services/core/src/infrastructure/repoRoot.ts';

export interface LogNormalSpec { log_mean: number; log_sd: number; multiplier: number }
export interface CategoricalSpec { weights: Record<string, number> }

export interface ScenarioConfig {
  name: string;
  description: string;
  extends?: string;
  rows: number;
  seed: number;
  time: { start: string; days: number };
  hour_weights: number[];
  features: {
    transaction_amount: LogNormalSpec;
    geo_distance_km: LogNormalSpec;
    customer_age: { mean: number; sd: number; min: number; max: number };
    account_tenure_days: { mean: number; max: number };
    merchant_risk_score: { alpha: number; beta: number; shift: number };
    is_international: { rate: number };
    merchant_category: CategoricalSpec;
    channel: CategoricalSpec;
  };
  label: {
    intercept: number;
    noise_sd: number;
    weights: {
      log_amount: number;
      night: number;
      international: number;
      merchant_risk: number;
      log_distance: number;
      night_high_amount: number;
    };
  };
  spike?: {
    hours: number[];
    volume_share: number;
    amount_multiplier: number;
    international_rate: number;
    fraud_multiplier: number;
  };
}

export const SCENARIO_DIRECTORY = repositoryPath('generator/config');

/** A scenario file may leave out anything its parent gives: same schema, nothing required. */
function withoutRequired(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutRequired);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'required' && Array.isArray(value)) continue;
    if (key === '$id') continue;
    copy[key] = withoutRequired(value);
  }
  // Only `name` is required of a partial file, so that it says what it is.
  if ((schema as { title?: unknown }).title === scenarioSchema.title) copy.required = ['name'];
  return copy;
}

const validateScenarioFile = compileSchema<Partial<ScenarioConfig> & { name: string }>(withoutRequired(scenarioSchema) as object);
const validateScenario = compileSchema<ScenarioConfig>(scenarioSchema);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Child values win; objects merge key by key; arrays and categorical weights are replaced whole. */
export function mergeScenario(parent: Record<string, unknown>, child: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...parent };
  for (const [key, value] of Object.entries(child)) {
    const base = merged[key];
    merged[key] = isPlainObject(base) && isPlainObject(value) && key !== 'weights' ? mergeScenario(base, value) : value;
  }
  return merged;
}

export function listScenarios(directory = SCENARIO_DIRECTORY): string[] {
  return readdirSync(directory).filter((file) => file.endsWith('.yaml')).map((file) => basename(file, '.yaml')).sort();
}

export function scenarioPath(name: string, directory = SCENARIO_DIRECTORY): string {
  const path = join(directory, `${name}.yaml`);
  if (!/^[a-z][a-z0-9_]*$/.test(name) || !existsSync(path)) {
    throw new UserError(`unknown scenario "${name}" (known: ${listScenarios(directory).join(', ')})`);
  }
  return path;
}

export function loadScenarioFile(path: string, seen: string[] = []): ScenarioConfig {
  if (!existsSync(path)) throw new UserError(`scenario file not found: ${path}`);
  const raw = loadYamlWithSchema(path, validateScenarioFile);
  let merged: Record<string, unknown> = raw;
  if (raw.extends !== undefined) {
    if (seen.includes(raw.extends)) throw new UserError(`${path}: extends: cycle through "${raw.extends}"`);
    const parent = loadScenarioFile(scenarioPath(raw.extends), [...seen, raw.name]);
    const { extends: _ignored, ...parentValues } = parent;
    merged = mergeScenario(parentValues as unknown as Record<string, unknown>, raw);
  }
  const config = assertValid(validateScenario, merged, path);
  checkScenarioConsistency(config, path);
  return config;
}

/** Keys that say what a scenario is or how big its own file is, not what its traffic looks like. */
const IDENTITY_KEYS = ['name', 'description', 'extends', 'rows', 'seed', 'time'];

/**
 * A scenario file as a layer over other traffic (a timeline phase): the keys it sets
 * itself, beyond what it extends (a scenario extending nothing sets them all), less its
 * identity; and the whole scenario it makes.
 */
export function loadScenarioLayer(path: string): { config: ScenarioConfig; layer: Record<string, unknown>; parent?: ScenarioConfig } {
  const config = loadScenarioFile(path);
  const raw = loadYamlWithSchema(path, validateScenarioFile) as Record<string, unknown>;
  const own = raw.extends === undefined ? (config as unknown as Record<string, unknown>) : raw;
  const layer = Object.fromEntries(Object.entries(own).filter(([key]) => !IDENTITY_KEYS.includes(key)));
  return { config, layer, ...(typeof raw.extends === 'string' ? { parent: loadScenarioFile(scenarioPath(raw.extends)) } : {}) };
}

/**
 * A scenario with some of its keys overridden (a timeline phase's `overrides`), merged as
 * `extends` merges and checked as a whole scenario; `source` names where the overrides are.
 */
export function withOverrides(config: ScenarioConfig, overrides: Record<string, unknown>, source: string): ScenarioConfig {
  const partial = assertValid(validateScenarioFile, { name: config.name, ...overrides }, source);
  const merged = assertValid(validateScenario, mergeScenario(config as unknown as Record<string, unknown>, partial), source);
  checkScenarioConsistency(merged, source);
  return merged;
}

/** What a schema cannot say: weights that sum to zero, min above max. */
export function checkScenarioConsistency(config: ScenarioConfig, source: string): void {
  const positive = (values: number[]): boolean => values.reduce((sum, value) => sum + value, 0) > 0;
  if (!positive(config.hour_weights)) throw new UserError(`${source}: hour_weights: must not all be zero`);
  for (const column of ['merchant_category', 'channel'] as const) {
    if (!positive(Object.values(config.features[column].weights))) {
      throw new UserError(`${source}: features.${column}.weights: must not all be zero`);
    }
  }
  const age = config.features.customer_age;
  if (age.min > age.max) throw new UserError(`${source}: features.customer_age: min must be <= max`);
  if (Number.isNaN(Date.parse(`${config.time.start}T00:00:00Z`))) throw new UserError(`${source}: time.start: not a valid date`);
}
