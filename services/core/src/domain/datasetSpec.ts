import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../infrastructure/errors.ts';
import { sha256Hex } from '../infrastructure/fileHash.ts';
import type { SchemaProblem } from '../infrastructure/jsonSchema.ts';
import type { FeatureType, MissingHandling } from './vocabularies.ts';
import { compileContractSchema } from './vocabularySchema.ts';
import { parseYamlWithSchema, readFileBytes } from '../infrastructure/yamlFile.ts';
import datasetSchema from '../../../../datasets/dataset.schema.json' with { type: 'json' };
import { repositoryPath } from '../infrastructure/repoRoot.ts';

/*
 * The dataset spec (datasets/*.yaml): which columns are the id, the event time, the
 * label and the typed features. Every stage reads its columns from here, so nothing in
 * the code knows a dataset's column names; the fraud spec is the default.
 */

export type { FeatureType, MissingHandling } from './vocabularies.ts';
export type LabelValue = string | number | boolean;

export interface FeatureSpec {
  type: FeatureType;
  min?: number;
  max?: number;
  max_length?: number;
  required?: boolean;
}

/** datasets/NAME.yaml as written (validated against datasets/dataset.schema.json). */
export interface DatasetSpecFile {
  name: string;
  description?: string;
  id?: string;
  time?: string;
  target: { column: string; positive: LabelValue; negative?: LabelValue };
  features: Record<string, FeatureSpec>;
  missing?: MissingHandling;
}

/** The spec with its defaults filled in: what the stages use and what artifacts embed. */
export interface DatasetSpec extends Omit<DatasetSpecFile, 'target' | 'missing' | 'description'> {
  target: { column: string; positive: LabelValue; negative: LabelValue };
  missing: MissingHandling;
}

/** A spec and where it came from: the sha256 of its bytes is recorded with every model and summary. */
export interface LoadedDatasetSpec {
  spec: DatasetSpec;
  sha256: string;
  source: string;
}

export const DEFAULT_DATASET = 'fraud';
const DATASETS_DIRECTORY = repositoryPath('datasets');
const validateDatasetFile = compileContractSchema<DatasetSpecFile>(datasetSchema);

/** The negative label when only the positive one is written: 1 ↔ 0 and true ↔ false are implied, words are not. */
function impliedNegative(positive: LabelValue): LabelValue | undefined {
  if (positive === 1) return 0;
  if (positive === 0) return 1;
  if (typeof positive === 'boolean') return !positive;
  return undefined;
}

/** What the schema cannot say; each problem names its path so the loader can give the line. */
export function checkDatasetConsistency(file: DatasetSpecFile): SchemaProblem | undefined {
  const features = Object.keys(file.features);
  // A JSON object cannot hold it as a key (it sets the prototype): the API's request schema could not name it.
  for (const column of [...features, file.target.column, file.id, file.time]) {
    if (column === '__proto__') return { pathKeys: features.includes(column) ? ['features', column] : ['target', 'column'], message: '"__proto__" cannot be a column name here; rename the column' };
  }
  for (const [role, column] of [['target', file.target.column], ['id', file.id], ['time', file.time]] as const) {
    if (column !== undefined && features.includes(column)) return { pathKeys: ['features', column], message: `is also the ${role} column; a column is a feature or the ${role}, not both` };
  }
  const roles = [file.target.column, file.id, file.time].filter((column) => column !== undefined);
  if (new Set(roles).size !== roles.length) return { pathKeys: ['target', 'column'], message: 'the target, id and time must be three different columns' };
  if (file.target.negative === undefined && impliedNegative(file.target.positive) === undefined) {
    return { pathKeys: ['target', 'negative'], message: `is required when positive is "${String(file.target.positive)}" (the other label value, e.g. negative: good)` };
  }
  if (file.target.negative !== undefined && String(file.target.negative) === String(file.target.positive)) return { pathKeys: ['target', 'negative'], message: 'must differ from positive' };
  for (const [name, feature] of Object.entries(file.features)) {
    const numeric = feature.type !== 'categorical';
    if (!numeric && (feature.min !== undefined || feature.max !== undefined)) return { pathKeys: ['features', name, feature.min !== undefined ? 'min' : 'max'], message: 'applies to numerical and integer features only' };
    if (numeric && feature.max_length !== undefined) return { pathKeys: ['features', name, 'max_length'], message: 'applies to categorical features only' };
    if (feature.min !== undefined && feature.max !== undefined && feature.min > feature.max) return { pathKeys: ['features', name, 'max'], message: `must be >= min (${feature.min})` };
  }
  return undefined;
}

export function withDatasetDefaults(file: DatasetSpecFile): DatasetSpec {
  const { description: _description, ...rest } = file;
  return {
    ...rest,
    target: { column: file.target.column, positive: file.target.positive, negative: file.target.negative ?? (impliedNegative(file.target.positive) as LabelValue) },
    missing: file.missing ?? 'impute',
  };
}

export function parseDatasetSpec(text: string, source: string): DatasetSpec {
  return withDatasetDefaults(parseYamlWithSchema(text, source, validateDatasetFile, checkDatasetConsistency));
}

/** A bare name is datasets/NAME.yaml of this repository; anything with a slash or a .yaml/.yml ending is a file path. */
export function datasetSpecPath(nameOrFile: string): string {
  if (/[\\/]/.test(nameOrFile) || /\.ya?ml$/i.test(nameOrFile)) return nameOrFile;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(nameOrFile)) throw new UserError(`--dataset: "${nameOrFile}" is neither a dataset name nor a .yaml file`);
  const path = join(DATASETS_DIRECTORY, `${nameOrFile}.yaml`);
  if (!existsSync(path)) throw new UserError(`--dataset: no dataset "${nameOrFile}" (datasets/${nameOrFile}.yaml does not exist; give a name from datasets/ or a file path)`);
  return path;
}

/** Read and validate a spec once, hashing the very bytes parsed. */
export function loadDatasetSpec(nameOrFile: string = DEFAULT_DATASET): LoadedDatasetSpec {
  const path = datasetSpecPath(nameOrFile);
  const bytes = readFileBytes(path);
  return { spec: parseDatasetSpec(bytes.toString('utf8'), path), sha256: sha256Hex(bytes), source: path };
}

export function featureNames(spec: DatasetSpec): string[] {
  return Object.keys(spec.features);
}

/** Numerical and integer features: both are numbers to every stage but the API's schema. */
export function numericFeatureNames(spec: DatasetSpec): string[] {
  return Object.entries(spec.features).filter(([, feature]) => feature.type !== 'categorical').map(([name]) => name);
}

export function categoricalFeatureNames(spec: DatasetSpec): string[] {
  return Object.entries(spec.features).filter(([, feature]) => feature.type === 'categorical').map(([name]) => name);
}

/** Columns read as text whatever they hold: categories and the label keep their spelling ("01", "1.0"). */
export function textColumnsOf(spec: DatasetSpec): string[] {
  return [...categoricalFeatureNames(spec), spec.target.column];
}

/** Every column the spec names: the id, the time, the label and the features. */
export function allColumnsOf(spec: DatasetSpec): string[] {
  return [spec.id, spec.time, spec.target.column, ...featureNames(spec)].filter((column): column is string => column !== undefined);
}

/** A declared column missing from a file, refused in one line naming the file, the column and the spec. */
export function refuseMissingColumns(header: readonly string[], columns: readonly string[], source: string, specSource: string): void {
  const present = new Set(header);
  const missing = columns.find((column) => !present.has(column));
  if (missing !== undefined) throw new UserError(`${source}: missing column "${missing}" (declared in ${specSource}; columns: ${header.join(', ')})`);
}

/** The label's two values as the CSV spells them: numbers compare as numbers, anything else as text. */
export function labelMeaning(spec: DatasetSpec, text: string): 0 | 1 | undefined {
  const { positive, negative } = spec.target;
  const matches = (declared: LabelValue) => (typeof declared === 'number' ? text.trim() !== '' && Number(text) === declared : String(declared) === text);
  if (matches(positive)) return 1;
  if (matches(negative)) return 0;
  return undefined;
}

export function describeLabels(spec: DatasetSpec): string {
  return `${JSON.stringify(spec.target.positive)} (positive) or ${JSON.stringify(spec.target.negative)} (negative)`;
}
