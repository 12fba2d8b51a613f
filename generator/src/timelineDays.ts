import { mergeScenario, type ScenarioConfig } from './scenarioConfig.ts';

/*
 * What each day of a timeline is: the phases covering it laid over one another in order
 * (each sets only the keys its scenario changes), a ramping phase blended in linearly
 * from what the day had before. Pure: the scenarios are loaded by the caller.
 */

export interface TimelinePhase {
  from_day: number;
  to_day: number;
  /** The phase's scenario, overrides applied (its name labels the phase). */
  config: ScenarioConfig;
  /**
   * What the phase lays over the day: the keys its scenario sets beyond what it extends,
   * and its overrides. Feature drift stays when concept drift starts on top of it.
   */
  layer: Record<string, unknown>;
  /**
   * Its rows per day over the base scenario's, when its scenario changes the volume of the
   * one it extends (a surge); undefined when it keeps it (concept drift keeps a surge under it).
   */
  volume: number | undefined;
  ramp_days: number;
}

export interface DayLayer {
  /** Index of the phase in the timeline. */
  phase: number;
  scenario: string;
  /** How far the phase has blended in on this day (1: fully). */
  weight: number;
}

export interface ResolvedDay {
  day: number;
  /** UTC calendar date, YYYY-MM-DD. */
  date: string;
  config: ScenarioConfig;
  volume: number;
  rows: number;
  layers: DayLayer[];
}

const DAY_MS = 86_400_000;

export function dateOfDay(start: string, day: number): string {
  return new Date(Date.parse(`${start}T00:00:00Z`) + day * DAY_MS).toISOString().slice(0, 10);
}

/** Rows per day of a scenario, over the base scenario's. */
export function volumeRatio(config: Pick<ScenarioConfig, 'rows' | 'time'>, base: Pick<ScenarioConfig, 'rows' | 'time'>): number {
  return config.rows / config.time.days / (base.rows / base.time.days);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `before` moved `weight` of the way to `after`: numbers linearly, the hour profile
 * element by element, category weights key by key (a category one side lacks weighs 0
 * there). What cannot be blended (names, a spike's hours, a structure one side lacks)
 * is the phase's from its first day.
 */
export function blendValues(before: unknown, after: unknown, weight: number, key = ''): unknown {
  if (weight >= 1) return after;
  if (typeof before === 'number' && typeof after === 'number') return before + (after - before) * weight;
  if (key === 'hour_weights' && Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return after.map((value, index) => blendValues(before[index], value, weight));
  }
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...Object.keys(after), ...Object.keys(before).filter((name) => !(name in after))];
    const categoryWeights = key === 'weights';
    return Object.fromEntries(keys.map((name) => {
      if (categoryWeights) return [name, blendValues(before[name] ?? 0, after[name] ?? 0, weight)];
      return [name, name in before && name in after ? blendValues(before[name], after[name], weight, name) : after[name] ?? before[name]];
    }));
  }
  return after;
}

/** How far a phase has blended in on a day: linearly over its ramp, fully from then on. */
export function rampWeight(phase: Pick<TimelinePhase, 'from_day' | 'ramp_days'>, day: number): number {
  return phase.ramp_days > 0 ? Math.min(1, (day - phase.from_day + 1) / phase.ramp_days) : 1;
}

/** One day: the phases covering it in order, each over what the earlier ones made of it. Undefined when no phase covers it. */
export function resolveDay(phases: readonly TimelinePhase[], day: number, start: string, rowsPerDay: number): ResolvedDay | undefined {
  let config: ScenarioConfig | undefined;
  let volume = 0;
  const layers: DayLayer[] = [];
  phases.forEach((phase, index) => {
    if (day < phase.from_day || day > phase.to_day) return;
    // The first layer of a day has nothing before it to ramp from.
    const weight = config === undefined ? 1 : rampWeight(phase, day);
    config = config === undefined ? phase.config : (blendValues(config, mergeScenario(config as unknown as Record<string, unknown>, phase.layer), weight) as ScenarioConfig);
    const target = phase.volume ?? (layers.length === 0 ? 1 : volume);
    volume = layers.length === 0 ? target : volume + (target - volume) * weight;
    layers.push({ phase: index, scenario: phase.config.name, weight: Number(weight.toFixed(6)) });
  });
  if (config === undefined) return undefined;
  const date = dateOfDay(start, day);
  const dayConfig: ScenarioConfig = { ...(config as ScenarioConfig), time: { start: date, days: 1 } };
  return { day, date, config: dayConfig, volume, rows: Math.max(1, Math.round(rowsPerDay * volume)), layers };
}

/** The leaf keys a layer sets ("features.transaction_amount.multiplier"); category weights and lists count as one leaf. */
export function leafPaths(layer: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(layer).flatMap(([key, value]) => {
    const path = prefix ? `${prefix}.${key}` : key;
    return isPlainObject(value) && key !== 'weights' ? leafPaths(value, path) : [path];
  });
}

/**
 * What a schema cannot say about the phases, each problem with the path of the key at
 * fault: a phase past the last day or ending before it starts, a day no phase covers, a
 * ramp over days with nothing under it to ramp from, and a phase whose every key later
 * phases replace fully on every one of its days (it would never show).
 */
export function phaseProblem(phases: readonly (Pick<TimelinePhase, 'from_day' | 'to_day' | 'ramp_days'> & { keys?: readonly string[]; baseKeys?: readonly string[] })[], days: number): { pathKeys: (string | number)[]; message: string } | undefined {
  for (const [index, phase] of phases.entries()) {
    if (phase.to_day < phase.from_day) return { pathKeys: ['phases', index, 'to_day'], message: `must be >= from_day (${phase.from_day})` };
    if (phase.to_day >= days) return { pathKeys: ['phases', index, 'to_day'], message: `must be < days (${days}): the days are 0 to ${days - 1}` };
  }
  for (let day = 0; day < days; day += 1) {
    if (!phases.some((phase) => phase.from_day <= day && day <= phase.to_day)) return { pathKeys: ['phases'], message: `day ${day} is in no phase; every day needs one (a first phase over all days sets the baseline)` };
  }
  const covered = (index: number, day: number) => phases.some((earlier, earlierIndex) => earlierIndex < index && earlier.from_day <= day && day <= earlier.to_day);
  for (const [index, phase] of phases.entries()) {
    for (let day = phase.from_day; day <= Math.min(phase.to_day, phase.from_day + phase.ramp_days - 1); day += 1) {
      if (!covered(index, day)) return { pathKeys: ['phases', index, 'ramp_days'], message: `ramps over day ${day}, where no earlier phase lies under it to ramp from; lay the phase over a baseline phase that covers its ramp` };
    }
  }
  for (const [index, phase] of phases.entries()) {
    // The first phase of a day sets all of it (its whole scenario); a phase over others only its own keys.
    const shows = (day: number) => {
      const replaced = new Set(phases.flatMap((later, laterIndex) => (laterIndex > index && later.from_day <= day && day <= later.to_day && rampWeight(later, day) >= 1 ? later.keys ?? ['*'] : [])));
      if (replaced.has('*')) return false;
      const own = covered(index, day) ? phase.keys : phase.baseKeys;
      return own === undefined || own.some((key) => !replaced.has(key));
    };
    let visible = false;
    for (let day = phase.from_day; day <= phase.to_day && !visible; day += 1) visible = shows(day);
    if (!visible) return { pathKeys: ['phases', index], message: `sets nothing that shows on any of its days (${phase.from_day}-${phase.to_day}): the phases under it already set it, or later ones replace it` };
  }
  return undefined;
}
