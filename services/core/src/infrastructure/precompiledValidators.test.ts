import { afterAll, describe, expect, it } from 'vitest';
import { Ajv, type ValidateFunction } from 'ajv';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { parse } from 'yaml';
import policySchema from '../../../../policies/promotion.schema.json' with { type: 'json' };
import { VOCABULARY_SCHEMA } from '../domain/vocabularySchema.ts';
import { addFormats, AJV_OPTIONS, SCHEMA_FORMATS, schemaKey } from './jsonSchema.ts';
import { writePrecompiledValidators } from './precompiledValidators.ts';
import { repositoryPath } from './repoRoot.ts';

describe('validators compiled ahead for the bundles', () => {
  // Inside node_modules, as the build's are: the generated code requires ajv's run-time from there.
  const directory = { path: repositoryPath('node_modules', '.cache', `driftwatch-test-validators-${process.pid}`) };
  afterAll(() => rmSync(directory.path, { recursive: true, force: true }));

  it('find what the run-time validator finds, error for error, on a valid policy and broken ones', async () => {
    const written = await writePrecompiledValidators(directory.path, ['services/core/src/domain/promotionPolicy.ts', 'services/core/src/infrastructure/csv/csvTable.ts']);
    expect(written).toBeGreaterThan(0);
    const ahead = createRequire(import.meta.url)(join(directory.path, `${schemaKey(policySchema)}.cjs`)) as ValidateFunction;
    const ajv = new Ajv(AJV_OPTIONS);
    addFormats(ajv, SCHEMA_FORMATS);
    ajv.addSchema(VOCABULARY_SCHEMA);
    const atRunTime = ajv.compile(policySchema);
    const valid = parse(readFileSync(repositoryPath('policies/promotion.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
    const broken = [
      { ...valid, drift_policy: { ...valid.drift_policy, drift_share: 'x' } },
      { ...valid, surprise: true },
      Object.fromEntries(Object.entries(valid).filter(([key]) => key !== 'drift_policy')),
      { ...valid, drift_policy: { ...valid.drift_policy, stattest: 'no_such_test' } },
    ];
    expect(ahead(valid)).toBe(true);
    for (const document of broken) {
      expect(ahead(document)).toBe(false);
      expect(atRunTime(document)).toBe(false);
      expect(ahead.errors).toEqual(atRunTime.errors);
    }
  });
});
