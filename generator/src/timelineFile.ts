import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { UserError, errorMessage } from '../../services/core/src/infrastructure/errors.ts';
import { compileSchema } from '../../services/core/src/infrastructure/jsonSchema.ts';
import { loadYamlWithSchema, yamlLocation } from '../../services/core/src/infrastructure/yamlFile.ts';
import timelineSchema from '../schema/timeline.schema.json' with { type: 'json' };
import { checkScenarioConsistency, loadScenarioFile, loadScenarioLayer, mergeScenario, scenarioPath, withOverrides, type ScenarioConfig } from './scenarioConfig.ts';
import { dateOfDay, leafPaths, phaseProblem, resolveDay, volumeRatio, type ResolvedDay, type TimelinePhase } from './timelineDays.ts';
import { repositoryPath } from '../../services/core/src/infrastructure/repoRoot.ts';

/** generator/timelines/NAME.yaml as written (validated against generator/schema/timeline.schema.json). */
export interface TimelineFile {
  name: string;
  description?: string;
  start: string;
  days: number;
  rows_per_day: number;
  seed: number;
  reference: { scenario?: string; config?: string; rows: number };
  label_delay_days: { min: number; max: number };
  phases: { from_day: number; to_day: number; scenario?: string; config?: string; overrides?: Record<string, unknown>; ramp_days?: number }[];
}

/** A timeline with every phase's scenario loaded and every day resolved. */
export interface Timeline {
  file: TimelineFile;
  source: string;
  reference: ScenarioConfig;
  phases: TimelinePhase[];
  days: ResolvedDay[];
}

export const TIMELINE_DIRECTORY = repositoryPath('generator/timelines');
const BASE_SCENARIO = 'base';
/** A day's rows are generated and sorted in memory: bounded, so a typo in a volume is an error, not an exhausted heap. */
export const MAX_ROWS_PER_DAY = 2_000_000;
const validateTimelineFile = compileSchema<TimelineFile>(timelineSchema);

export function listTimelines(directory = TIMELINE_DIRECTORY): string[] {
  return readdirSync(directory).filter((file) => file.endsWith('.yaml')).map((file) => basename(file, '.yaml')).sort();
}

/** A bare name is generator/timelines/NAME.yaml; anything with a slash or a .yaml ending is a file. */
export function timelinePath(nameOrFile: string): string {
  if (/[\\/]/.test(nameOrFile) || /\.ya?ml$/i.test(nameOrFile)) return nameOrFile;
  const path = join(TIMELINE_DIRECTORY, `${nameOrFile}.yaml`);
  if (!/^[a-z][a-z0-9_]*$/.test(nameOrFile) || !existsSync(path)) throw new UserError(`unknown timeline "${nameOrFile}" (known: ${listTimelines().join(', ')}; or give a file)`);
  return path;
}

/** A phase's (or the reference's) scenario: a shipped name or a file beside the timeline, refused with the timeline's line. */
function scenarioOf(source: string, pathKeys: (string | number)[], entry: { scenario?: string; config?: string; overrides?: Record<string, unknown> }, fallback?: string): { config: ScenarioConfig; layer: Record<string, unknown>; parent?: ScenarioConfig } {
  if (entry.scenario !== undefined && entry.config !== undefined) throw new UserError(`${yamlLocation(source, [...pathKeys, 'config'])}: give scenario or config, not both`);
  const name = entry.scenario ?? (entry.config === undefined ? fallback : undefined);
  if (name === undefined && entry.config === undefined) throw new UserError(`${yamlLocation(source, pathKeys)}: names no scenario (give scenario: NAME or config: FILE)`);
  const key = entry.config !== undefined ? 'config' : 'scenario';
  let loaded: { config: ScenarioConfig; layer: Record<string, unknown>; parent?: ScenarioConfig };
  try {
    loaded = loadScenarioLayer(entry.config !== undefined ? (isAbsolute(entry.config) ? entry.config : join(dirname(source), entry.config)) : scenarioPath(name as string));
  } catch (error) {
    throw new UserError(`${yamlLocation(source, [...pathKeys, key])}: ${errorMessage(error)}`);
  }
  if (entry.overrides === undefined) return loaded;
  return {
    config: withOverrides(loaded.config, entry.overrides, yamlLocation(source, [...pathKeys, 'overrides'])),
    layer: mergeScenario(loaded.layer, entry.overrides),
    ...(loaded.parent ? { parent: loaded.parent } : {}),
  };
}

/** Load, check and resolve a timeline; nothing is written, so a bad file costs nothing. */
export function loadTimeline(nameOrFile: string): Timeline {
  const source = timelinePath(nameOrFile);
  if (!existsSync(source)) throw new UserError(`timeline file not found: ${source}`);
  const file = loadYamlWithSchema(source, validateTimelineFile);
  if (file.label_delay_days.max < file.label_delay_days.min) throw new UserError(`${yamlLocation(source, ['label_delay_days', 'max'])}: must be >= min (${file.label_delay_days.min})`);
  const last = !Number.isNaN(Date.parse(`${file.start}T00:00:00Z`)) && dateOfDay(file.start, 0) === file.start ? new Date(Date.parse(`${file.start}T00:00:00Z`) + (file.days - 1) * 86_400_000) : undefined;
  if (last === undefined || Number.isNaN(last.getTime()) || last.getUTCFullYear() > 9999) throw new UserError(`${yamlLocation(source, ['start'])}: "${file.start}" is not a date, or its ${file.days} days end past the year 9999`);
  const base = loadScenarioFile(scenarioPath(BASE_SCENARIO));
  const phases = file.phases.map((phase, index): TimelinePhase & { keys: string[]; baseKeys: string[] } => {
    const { config, layer, parent } = scenarioOf(source, ['phases', index], phase);
    const volume = volumeRatio(config, base);
    return {
      from_day: phase.from_day, to_day: phase.to_day, ramp_days: phase.ramp_days ?? 0, config, layer,
      // A scenario with its parent's rows per day keeps the day's volume (a surge under it stays a surge).
      volume: parent !== undefined && phase.overrides?.rows === undefined && volume === volumeRatio(parent, base) ? undefined : volume,
      keys: leafPaths(layer),
      baseKeys: leafPaths(config as unknown as Record<string, unknown>),
    };
  });
  const problem = phaseProblem(phases, file.days);
  if (problem) throw new UserError(`${yamlLocation(source, problem.pathKeys)}: ${problem.message}`);
  const reference = scenarioOf(source, ['reference'], file.reference, BASE_SCENARIO).config;
  const days = Array.from({ length: file.days }, (_, day) => {
    const resolved = resolveDay(phases, day, file.start, file.rows_per_day) as ResolvedDay;
    const where = `${yamlLocation(source, ['phases'])}: day ${day} (${resolved.date}, phases ${resolved.layers.map((layer) => layer.phase).join(', ')})`;
    // Each phase is a valid scenario; what they make together on a day must be one too (min 70 from one, max 60 from another is not).
    checkScenarioConsistency(resolved.config, where);
    if (resolved.rows > MAX_ROWS_PER_DAY) throw new UserError(`${where}: ${resolved.rows} rows, more than the ${MAX_ROWS_PER_DAY.toLocaleString('en')} a day may have`);
    return resolved;
  });
  return { file, source, reference, phases, days };
}
