import type { DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';
import { closeMatches } from '../../core/src/infrastructure/closeMatches.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { formatPath } from '../../core/src/infrastructure/jsonSchema.ts';
import { yamlLocation } from '../../core/src/infrastructure/yamlFile.ts';
import type { ColumnDriftRule } from '../../core/src/domain/promotionPolicy.ts';
import type { ColumnType } from '../../core/src/domain/stattests/columnPair.ts';
import { columnTypeRefusal, statTestByName, type StatTestName } from '../../core/src/domain/stattests/statTestRegistry.ts';

export interface ColumnSelectionInput {
  referenceHeader: readonly string[];
  currentHeader: readonly string[];
  referenceSource: string;
  currentSource: string;
  /** How each column reads in each file: numerical when every non-empty value is a number. */
  inferredType: (column: string) => ColumnType;
  numerical: readonly string[];
  categorical: readonly string[];
  exclude: readonly string[];
  /** Excluded unless named as a feature: the dataset's id, time and label. */
  defaultExcluded: readonly string[];
  /** Feature types the dataset spec declares: after flags and policy rules, before what the data looks like. */
  declaredTypes?: Readonly<Record<string, ColumnType>>;
  target?: string;
  prediction?: string;
  policyColumns: Readonly<Record<string, ColumnDriftRule>>;
  /** drift_policy.stattest: one test for every column without a rule of its own. */
  policyStattest?: StatTestName;
  /** The policy file the rules come from, named (with the line) when one does not fit the data. */
  policyFile?: string;
  /** The reference file's whole header, with the columns the monitor does not read (our dataset's id): a rule may name any. */
  referenceFileHeader?: readonly string[];
}

export interface SelectedColumns {
  features: { name: string; type: ColumnType }[];
  excluded: string[];
  extraInCurrent: string[];
}

/** A column is numerical only when both files read it as numbers (pandas' dtype on each side). */
export function inferredTypeIn(reference: DataTable, current: DataTable): (column: string) => ColumnType {
  return (column) => (reference.column(column).kind === 'numerical' && current.column(column).kind === 'numerical' ? 'numerical' : 'categorical');
}

/** Where a policy key is, for a one-line refusal: "file:line: key.path", or the key path alone without a file. */
function policyLocation(input: Pick<ColumnSelectionInput, 'policyFile'>, pathKeys: string[]): string {
  return input.policyFile === undefined ? formatPath(pathKeys) : yamlLocation(input.policyFile, pathKeys);
}

/** A rule under drift_policy.columns must name a column of the data: a misspelled one would be ignored. */
function refuseUnknownPolicyColumns(input: ColumnSelectionInput): void {
  const known = [...new Set([...(input.referenceFileHeader ?? input.referenceHeader), ...input.currentHeader])];
  const knownSet = new Set(known);
  for (const column of Object.keys(input.policyColumns)) {
    if (knownSet.has(column)) continue;
    const matches = closeMatches(column, known);
    const hint = matches.length > 0 ? `did you mean ${matches.map((match) => `"${match}"`).join(' or ')}? ` : '';
    throw new UserError(`${policyLocation(input, ['drift_policy', 'columns', column])}: no column "${column}" in ${input.referenceSource} or ${input.currentSource} (${hint}columns: ${known.join(', ')})`);
  }
}

/**
 * A test the policy names must allow the column's type, as Evidently's allowed_feature_types
 * say; a test for every column (drift_policy.stattest) too, as Evidently refuses it as well.
 */
function refuseStatTestsNotFitting(input: Pick<ColumnSelectionInput, 'policyColumns' | 'policyStattest' | 'policyFile'>, features: readonly { name: string; type: ColumnType }[]): void {
  for (const { name, type } of features) {
    const own = input.policyColumns[name]?.stattest;
    const chosen = own ?? input.policyStattest;
    if (chosen === undefined) continue;
    const remedy = own !== undefined ? undefined : `give the column its own test under drift_policy.columns.${name}.stattest`;
    const refusal = columnTypeRefusal(statTestByName(chosen), type, name, remedy);
    if (refusal === undefined) continue;
    const location = policyLocation(input, own !== undefined ? ['drift_policy', 'columns', name, 'stattest'] : ['drift_policy', 'stattest']);
    throw new UserError(`${location}: ${refusal}`);
  }
}

/**
 * Which columns are drift features and of which type: flags first, then the policy,
 * then what the data looks like. A reference column missing from current is refused,
 * and so is a policy rule that does not fit the data (an unknown column, a test the
 * column's type does not allow).
 */
export function selectColumns(input: ColumnSelectionInput): SelectedColumns {
  const inReference = new Set(input.referenceHeader);
  const inCurrent = new Set(input.currentHeader);
  const named = [...input.numerical, ...input.categorical, ...input.exclude, ...(input.target ? [input.target] : []), ...(input.prediction ? [input.prediction] : [])];
  for (const column of named) {
    if (!inReference.has(column)) throw new UserError(`${input.referenceSource}: no column "${column}" (named by a flag; columns: ${input.referenceHeader.join(', ')})`);
  }
  const both = input.numerical.filter((column) => input.categorical.includes(column));
  if (both.length > 0) throw new UserError(`--numerical and --categorical both name "${both[0]}"`);
  refuseUnknownPolicyColumns(input);
  const explicitlyFeatures = new Set([...input.numerical, ...input.categorical]);
  const excluded = new Set(input.exclude);
  for (const column of input.defaultExcluded) if (!explicitlyFeatures.has(column) && inReference.has(column)) excluded.add(column);
  for (const [column, rule] of Object.entries(input.policyColumns)) if (rule.exclude) excluded.add(column);
  // Every feature, and the target and prediction columns, must be in both files; excluded columns need not.
  const required = [...input.referenceHeader.filter((column) => !excluded.has(column)), ...(input.target ? [input.target] : []), ...(input.prediction ? [input.prediction] : [])];
  for (const column of required) {
    if (!inCurrent.has(column)) throw new UserError(`${input.currentSource}: missing column "${column}" (present in ${input.referenceSource})`);
  }
  if (input.target) excluded.add(input.target);
  if (input.prediction) excluded.add(input.prediction);

  const features = input.referenceHeader.filter((column) => !excluded.has(column)).map((name) => {
    let type: ColumnType;
    if (input.numerical.includes(name)) type = 'numerical';
    else if (input.categorical.includes(name)) type = 'categorical';
    else type = input.policyColumns[name]?.type ?? input.declaredTypes?.[name] ?? input.inferredType(name);
    if (type === 'numerical' && input.inferredType(name) !== 'numerical') {
      const where = input.policyColumns[name]?.type !== undefined || input.numerical.includes(name) ? 'declared numerical' : 'a number feature in the dataset spec';
      throw new UserError(`column "${name}" is ${where} but holds text in ${input.referenceSource} or ${input.currentSource}`);
    }
    return { name, type };
  });
  if (features.length === 0) throw new UserError(`no feature columns left to compare (all excluded) in ${input.referenceSource}`);
  refuseStatTestsNotFitting(input, features);
  return {
    features,
    excluded: input.referenceHeader.filter((column) => excluded.has(column)),
    extraInCurrent: input.currentHeader.filter((column) => !inReference.has(column)),
  };
}
