import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../infrastructure/csv/csvTable.ts';
import { eventHours, hourOfTimestamp, labelsOf } from './datasetColumns.ts';
import { categoricalFeatureNames, datasetSpecPath, featureNames, labelMeaning, loadDatasetSpec, numericFeatureNames, parseDatasetSpec } from './datasetSpec.ts';

const spec = (text: string) => parseDatasetSpec(text, 'own.yaml');
const CREDIT = `name: credit
target: { column: status, positive: bad, negative: good }
features:
  income: { type: numerical, min: 0 }
  region: { type: categorical }
  age: { type: integer, min: 18, max: 120 }
`;

describe('the dataset spec', () => {
  it('datasets/fraud.yaml is the default and describes the generator\'s columns', () => {
    const { spec: fraud, sha256, source } = loadDatasetSpec();
    expect(fraud.name).toBe('fraud');
    expect(source).toMatch(/datasets\/fraud\.yaml$/);
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(numericFeatureNames(fraud)).toHaveLength(7);
    expect(categoricalFeatureNames(fraud)).toHaveLength(2);
    expect(fraud.target).toEqual({ column: 'is_fraud', positive: 1, negative: 0 });
    expect(fraud.missing).toBe('impute');
  });

  it('keeps the declared order, integer features counting as numbers', () => {
    const credit = spec(CREDIT);
    expect(featureNames(credit)).toEqual(['income', 'region', 'age']);
    expect(numericFeatureNames(credit)).toEqual(['income', 'age']);
    expect(categoricalFeatureNames(credit)).toEqual(['region']);
  });

  it.each([
    ['an unknown key', `${CREDIT}colour: red\n`, /^own\.yaml:7: colour: unknown key$/],
    ['an unknown feature type', CREDIT.replace('type: categorical', 'type: text'), /^own\.yaml:5: features\.region\.type: must be one of "numerical", "integer", "categorical"$/],
    ['the target also a feature', CREDIT.replace('region:', 'status:'), /^own\.yaml:5: features\.status: is also the target column/],
    ['word labels without a negative', CREDIT.replace(', negative: good', ''), /^own\.yaml:2: target\.negative: is required when positive is "bad"/],
    ['the same value twice', CREDIT.replace('negative: good', 'negative: bad'), /^own\.yaml:2: target\.negative: must differ from positive$/],
    ['min above max', CREDIT.replace('min: 18', 'min: 200'), /^own\.yaml:6: features\.age\.max: must be >= min \(200\)$/],
    ['a range on a category', CREDIT.replace('{ type: categorical }', '{ type: categorical, min: 1 }'), /^own\.yaml:5: features\.region\.min: applies to numerical and integer features only$/],
    ['no features', 'name: x\ntarget: { column: y, positive: 1 }\nfeatures: {}\n', /^own\.yaml:3: features: must NOT have fewer than 1 properties$/],
    ['a feature named __proto__ (no JSON object can hold it)', CREDIT.replace('region:', '__proto__:'), /^own\.yaml:5: features\.__proto__: "__proto__" cannot be a column name here; rename the column$/],
    ['a column name with a comma', CREDIT.replace('income:', '"in,come":'), /^own\.yaml:4: features: property name must be valid$|^own\.yaml:\d+: features.*must match pattern/],
  ])('refuses %s in one line naming file, line and key', (_case, text, message) => {
    expect(() => spec(text)).toThrow(message);
  });

  it('implies the negative label only for 1/0 and true/false', () => {
    expect(spec(CREDIT.replace('positive: bad, negative: good', 'positive: 1')).target.negative).toBe(0);
    expect(spec(CREDIT.replace('positive: bad, negative: good', 'positive: true')).target.negative).toBe(false);
  });

  it('a name is datasets/NAME.yaml, a path is a file; an unknown name is refused', () => {
    expect(datasetSpecPath('own/credit.yaml')).toBe('own/credit.yaml');
    expect(datasetSpecPath('credit.yml')).toBe('credit.yml');
    expect(() => datasetSpecPath('credit')).toThrow('--dataset: no dataset "credit" (datasets/credit.yaml does not exist');
    expect(() => datasetSpecPath('cr edit')).toThrow('is neither a dataset name nor a .yaml file');
  });
});

describe('labels and event hours read through the spec', () => {
  const credit = spec(CREDIT);

  it('reads word labels as 1 (positive) and 0', () => {
    expect(labelMeaning(credit, 'bad')).toBe(1);
    expect(labelMeaning(credit, 'good')).toBe(0);
    expect(labelMeaning(credit, 'Bad')).toBeUndefined();
    const table = parseCsvText('status,income\nbad,1\ngood,2\ngood,3\n', 'own.csv');
    expect(Array.from(labelsOf(table, credit))).toEqual([1, 0, 0]);
  });

  it('reads numeric labels as numbers (1.0 is 1), and the empty cell is not 0', () => {
    const numeric = spec(CREDIT.replace('positive: bad, negative: good', 'positive: 1'));
    expect(Array.from(labelsOf(parseCsvText('status\n1.0\n0\n', 'own.csv'), numeric))).toEqual([1, 0]);
    expect(() => labelsOf(parseCsvText('status,income\n1,5\n,6\n0,7\n', 'own.csv'), numeric)).toThrow('own.csv: row 3: column "status" must be 1 (positive) or 0 (negative), found an empty value');
  });

  it.each([['"1.0"', '"0.0"', '1.0', '0.0'], ['"01"', '"00"', '01', '00'], ['1', '0', '1.0', '0.0']])('reads labels declared as %s / %s against the CSV\'s %s / %s', (positive, negative, csvPositive, csvNegative) => {
    const declared = spec(`name: t\ntarget: {column: y, positive: ${positive}, negative: ${negative}}\nfeatures:\n  x: {type: numerical}\n`);
    // Every stage reads the label as text (textColumnsOf): its spelling is what the spec compares.
    const table = parseCsvText(`x,y\n1,${csvPositive}\n2,${csvNegative}\n`, 'own.csv', { textColumns: ['y'] });
    expect(Array.from(labelsOf(table, declared))).toEqual([1, 0]);
  });

  it('refuses any third value by file, column and row', () => {
    expect(() => labelsOf(parseCsvText('status\nbad\ngood\nunknown\n', 'own.csv'), credit)).toThrow('own.csv: row 4: column "status" must be "bad" (positive) or "good" (negative), found "unknown"');
  });

  it('takes the hour of day from ISO timestamps, read whole or as their first 13 characters', () => {
    expect(hourOfTimestamp('2026-11-27T14:05:00Z')).toBe(14);
    expect(hourOfTimestamp('2026-11-27T14')).toBe(14);
    expect(hourOfTimestamp('2026-11-27 03:00')).toBe(3);
    expect(hourOfTimestamp('27/11/2026 14:05')).toBeUndefined();
    const table = parseCsvText('at,x\n2026-11-27T14:05:00Z,1\n,2\n2026-11-28T02:00:00Z,3\n', 'own.csv');
    expect(Array.from(eventHours(table, { time: 'at' }) ?? [])).toEqual([14, Number.NaN, 2]);
    expect(eventHours(table, {})).toBeUndefined();
  });
});
