import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../services/core/src/domain/promotionPolicy.ts';
import { STAT_TEST_NAMES } from '../../services/core/src/domain/stattests/statTestRegistry.ts';
import * as vocabularies from '../../services/core/src/domain/vocabularies.ts';
import { compileContractSchema, VOCABULARY_DEFINITIONS, VOCABULARY_SCHEMA } from '../../services/core/src/domain/vocabularySchema.ts';
import { REPO_ROOT } from '../helpers/runScript.ts';

const policyText = readFileSync(join(REPO_ROOT, 'policies/promotion.yaml'), 'utf8');

/** Every JSON Schema file of the repository (outside node_modules), by path. */
function schemaFiles(directory = REPO_ROOT): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'shared' || entry.name.startsWith('.')) return [];
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return schemaFiles(path);
    return entry.name.endsWith('.schema.json') ? [path] : [];
  });
}

function enumsIn(value: unknown, found: unknown[][] = []): unknown[][] {
  if (Array.isArray(value)) value.forEach((item) => enumsIn(item, found));
  else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'enum' && Array.isArray(child)) found.push(child);
      else enumsIn(child, found);
    }
  }
  return found;
}

describe('each vocabulary is declared once and the schemas follow it', () => {
  it('every list declared in vocabularies.ts is in the vocabulary schema', () => {
    const declared = Object.entries(vocabularies).filter(([, value]) => Array.isArray(value));
    expect(declared.length).toBeGreaterThan(10);
    const inSchema = Object.values(VOCABULARY_DEFINITIONS) as readonly unknown[];
    expect(declared.filter(([, list]) => !inSchema.includes(list)).map(([name]) => name)).toEqual([]);
  });

  it('the vocabulary schema holds every list exactly as declared', () => {
    for (const [name, words] of Object.entries(VOCABULARY_DEFINITIONS)) {
      expect((VOCABULARY_SCHEMA.$defs as Record<string, { enum: unknown[] }>)[name]?.enum).toEqual([...words]);
    }
  });

  it('no schema file spells out a vocabulary\'s words: each refers to the vocabulary schema instead', () => {
    const vocabularyWords = new Set(Object.values(VOCABULARY_DEFINITIONS).flat() as string[]);
    const inlined = schemaFiles().flatMap((path) => enumsIn(JSON.parse(readFileSync(path, 'utf8')))
      .filter((words) => words.some((word) => typeof word === 'string' && vocabularyWords.has(word)))
      .map((words) => `${path}: ${JSON.stringify(words)}`));
    expect(inlined).toEqual([]);
  });

  it('the policy accepts every registered drift test by name, for all columns and per column, and refuses any other', () => {
    for (const name of STAT_TEST_NAMES) {
      const policy = parsePolicy(policyText.replace('  columns: {}', `  stattest: ${name}\n  columns: { amount: { stattest: ${name} } }`), 'policy.yaml');
      expect(policy.drift_policy.stattest).toBe(name);
    }
    expect(() => parsePolicy(policyText.replace('  columns: {}', '  stattest: anderson\n  columns: {}'), 'policy.yaml')).toThrow(/drift_policy\.stattest: must be one of "ks", "chisquare"/);
  });

  it('the monitoring summary schema accepts every registered drift test and no other', () => {
    const summarySchema = JSON.parse(readFileSync(join(REPO_ROOT, 'services/monitoring/schema/monitoring-summary.schema.json'), 'utf8')) as { properties: { drift_by_columns: object } };
    const validate = compileContractSchema<unknown>({ $id: 'https://driftwatch.local/schemas/test-drift-by-columns.schema.json', ...summarySchema.properties.drift_by_columns });
    const column = (stattest: string) => ({ x: { column_name: 'x', column_type: 'numerical', stattest_name: stattest, stattest_chosen_by: 'default', stattest_threshold: 0.1, drift_score: 0.2, drift_detected: true } });
    for (const name of STAT_TEST_NAMES) expect(validate.problems(column(name))).toEqual([]);
    expect(validate.problems(column('anderson'))).not.toEqual([]);
  });
});
