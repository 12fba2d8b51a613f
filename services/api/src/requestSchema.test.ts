import { describe, expect, it } from 'vitest';
import { parseDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { compileSchema } from '../../core/src/infrastructure/jsonSchema.ts';
import { requestSchemaOf } from './requestSchema.ts';

const SPEC = `name: churn
id: customer_ref
target: { column: churned, positive: "Yes", negative: "No" }
features:
  tenure_months: { type: integer, min: 0, max: 600 }
  monthly_charge: { type: numerical, min: 0 }
  plan: { type: categorical, max_length: 12 }
  promo_code: { type: categorical, required: false }
`;

const validatorFor = (text: string) => compileSchema<Record<string, unknown>>(requestSchemaOf(parseDatasetSpec(text, 'churn.yaml')));
const firstProblem = (validate: ReturnType<typeof validatorFor>, body: unknown) => {
  const problem = validate.problems(body)[0];
  return problem === undefined ? undefined : `${problem.pathKeys.join('.')}: ${problem.message}`;
};

describe('the /predict request schema comes from the serving model\'s dataset spec', () => {
  const impute = validatorFor(SPEC);
  const refuse = validatorFor(`${SPEC}missing: refuse\n`);
  const row = { tenure_months: 12, monthly_charge: 49.5, plan: 'basic', promo_code: 'XMAS' };

  it('accepts a row of the spec, with its id', () => {
    expect(firstProblem(impute, { ...row, customer_ref: 'c-1' })).toBeUndefined();
  });

  it.each([
    ['a fractional integer', { ...row, tenure_months: 1.5 }, 'tenure_months: must be integer or null'],
    ['a value under min', { ...row, monthly_charge: -1 }, 'monthly_charge: must be >= 0'],
    ['a value over max', { ...row, tenure_months: 601 }, 'tenure_months: must be <= 600'],
    ['a category over max_length', { ...row, plan: 'x'.repeat(13) }, 'plan: must NOT have more than 12 characters'],
    ['a required feature absent', { monthly_charge: 1, plan: 'basic' }, 'tenure_months: is required'],
    ['a column the spec does not know', { ...row, churned: 'Yes' }, 'churned: unknown key'],
  ])('refuses %s', (_case, body, message) => {
    expect(firstProblem(impute, body)).toBe(message);
  });

  it('with missing: impute, a feature may be null (imputed), and an optional one absent', () => {
    expect(firstProblem(impute, { ...row, monthly_charge: null, plan: null })).toBeUndefined();
    const { promo_code: _promo, ...withoutPromo } = row;
    expect(firstProblem(impute, withoutPromo)).toBeUndefined();
  });

  it('with missing: refuse, every feature is required and none may be null', () => {
    expect(firstProblem(refuse, { ...row, monthly_charge: null })).toBe('monthly_charge: must be number');
    const { promo_code: _promo, ...withoutPromo } = row;
    expect(firstProblem(refuse, withoutPromo)).toBe('promo_code: is required');
  });

  it('a category may be sent as a code number', () => {
    expect(firstProblem(impute, { ...row, plan: 3 })).toBeUndefined();
  });
});
