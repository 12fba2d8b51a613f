import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import { selectColumns, type ColumnSelectionInput } from './columnSelection.ts';
import { monitorReadPlan } from './readPlan.ts';
import { loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';

const temp = makeTempDir('column-selection');
afterAll(() => temp.cleanup());

/** A policy file whose drift_policy.columns block is `columns` (line 5 is its first rule). */
function policyFile(name: string, columns: string, stattest?: string): string {
  const path = join(temp.path, name);
  writeFileSync(path, ['version: 1', 'drift_policy:', '  drift_share: 0.5', ...(stattest ? [`  stattest: ${stattest}`] : []), '  columns:', columns, ''].join('\n'));
  return path;
}

const header = ['transaction_amount', 'merchant_category', 'is_international'];
const types: Record<string, 'numerical' | 'categorical'> = { transaction_amount: 'numerical', merchant_category: 'categorical', is_international: 'numerical' };
const base: ColumnSelectionInput = {
  referenceHeader: header, currentHeader: header, referenceSource: 'ref.csv', currentSource: 'cur.csv',
  inferredType: (column) => types[column] ?? 'numerical',
  numerical: [], categorical: [], exclude: [], defaultExcluded: [], policyColumns: {},
};

describe('a policy rule for a column the data does not have is refused', () => {
  it('a misspelled column names the policy file, its line, the key and the close match', () => {
    const path = policyFile('misspelled.yaml', '    merchant_category: { exclude: true }\n    transaction_amout: { exclude: true }');
    expect(() => selectColumns({ ...base, policyFile: path, policyColumns: { merchant_category: { exclude: true }, transaction_amout: { exclude: true } } }))
      .toThrow(`${path}:6: drift_policy.columns.transaction_amout: no column "transaction_amout" in ref.csv or cur.csv (did you mean "transaction_amount"? columns: transaction_amount, merchant_category, is_international)`);
  });

  it('a name like no column lists the known columns', () => {
    const path = policyFile('unknown.yaml', '    zzz: { exclude: true }');
    expect(() => selectColumns({ ...base, policyFile: path, policyColumns: { zzz: { exclude: true } } }))
      .toThrow(`${path}:5: drift_policy.columns.zzz: no column "zzz" in ref.csv or cur.csv (columns: transaction_amount, merchant_category, is_international)`);
  });

  it('a rule for a column the monitor skips reading (our dataset\'s id) is known', () => {
    expect(selectColumns({ ...base, referenceFileHeader: ['transaction_id', ...header], policyColumns: { transaction_id: { exclude: true } } }).features).toHaveLength(3);
  });
});

describe('a policy test that Evidently does not allow for the column\'s type is refused', () => {
  it('chisquare on a numerical column, named for that column', () => {
    const path = policyFile('chisquare.yaml', '    transaction_amount: { stattest: chisquare }');
    expect(() => selectColumns({ ...base, policyFile: path, policyColumns: { transaction_amount: { stattest: 'chisquare' } } }))
      .toThrow(`${path}:5: drift_policy.columns.transaction_amount.stattest: chisquare does not apply to numerical column "transaction_amount" (Evidently allows it for categorical columns only)`);
  });

  it('z on a numerical column, even a binary one', () => {
    const path = policyFile('z.yaml', '    is_international: { stattest: z }');
    expect(() => selectColumns({ ...base, policyFile: path, policyColumns: { is_international: { stattest: 'z' } } }))
      .toThrow(/z\.yaml:5: drift_policy\.columns\.is_international\.stattest: z does not apply to numerical column "is_international"/);
  });

  it('a numerical-only test on a categorical column', () => {
    const path = policyFile('ks.yaml', '    merchant_category: { stattest: ks }');
    expect(() => selectColumns({ ...base, policyFile: path, policyColumns: { merchant_category: { stattest: 'ks' } } }))
      .toThrow(`${path}:5: drift_policy.columns.merchant_category.stattest: ks does not apply to categorical column "merchant_category" (Evidently allows it for numerical columns only)`);
  });

  it('a global test that does not fit a column is refused as Evidently refuses it, naming drift_policy.stattest', () => {
    const path = policyFile('global.yaml', '    {}', 'wasserstein');
    expect(() => selectColumns({ ...base, policyFile: path, policyStattest: 'wasserstein' }))
      .toThrow(`${path}:4: drift_policy.stattest: wasserstein does not apply to categorical column "merchant_category" (Evidently allows it for numerical columns only; give the column its own test under drift_policy.columns.merchant_category.stattest)`);
  });

  it('a column rule overrides a global test that would not fit, and a test for both types fits either', () => {
    const rules = { merchant_category: { stattest: 'jensenshannon' as const } };
    expect(selectColumns({ ...base, policyStattest: 'wasserstein', policyColumns: rules }).features).toHaveLength(3);
    expect(selectColumns({ ...base, policyStattest: 'psi' }).features).toHaveLength(3);
  });

  it('an excluded column is not tested, so its rule\'s test is not checked', () => {
    expect(selectColumns({ ...base, policyColumns: { transaction_amount: { stattest: 'z', exclude: true } } }).features.map((feature) => feature.name)).toEqual(['merchant_category', 'is_international']);
  });
});

describe('a column named like an Object.prototype member', () => {
  it('gets its type from the data, not from Object.prototype', () => {
    const header = ['a', 'toString', 'constructor'];
    const plan = monitorReadPlan(header, header, []);
    const selected = selectColumns({
      referenceHeader: header, currentHeader: header, referenceSource: 'ref.csv', currentSource: 'cur.csv',
      inferredType: () => 'numerical', numerical: [], categorical: [], exclude: [], defaultExcluded: plan.defaultExcluded,
      declaredTypes: plan.declaredTypes, policyColumns: {},
    });
    expect(selected.features).toEqual([{ name: 'a', type: 'numerical' }, { name: 'toString', type: 'numerical' }, { name: 'constructor', type: 'numerical' }]);
  });
});

describe('the read plan and excluded columns', () => {
  const fraud = loadDatasetSpec('fraud');
  const header = ['transaction_id', 'event_time', 'transaction_amount', 'transaction_hour', 'customer_age', 'account_tenure_days', 'merchant_risk_score', 'geo_distance_km', 'is_international', 'merchant_category', 'channel', 'is_fraud'];

  it('does not read a feature a flag excludes, but the selection still sees it (to check and report it)', () => {
    const plan = monitorReadPlan(header, header, [], { dataset: fraud, excluded: ['merchant_category', 'transaction_hour'] });
    expect(plan.columnsToRead).not.toContain('merchant_category');
    expect(plan.reference.columns).not.toContain('transaction_hour');
    expect(plan.current.textColumns).not.toContain('merchant_category');
    expect(plan.columnsConsidered).toEqual(expect.arrayContaining(['merchant_category', 'transaction_hour']));
  });

  it('still reads an excluded column the dataset needs for another role, or a flag names as a feature', () => {
    const plan = monitorReadPlan(header, header, ['channel'], { dataset: fraud, excluded: ['event_time', 'channel'] });
    expect(plan.columnsToRead).toEqual(expect.arrayContaining(['event_time', 'channel']));
  });

  it('still reads every excluded feature when a model scores the files, or the dataset refuses missing values', () => {
    expect(monitorReadPlan(header, header, [], { dataset: fraud, excluded: ['customer_age'], scoredByModel: true, readLabels: true }).columnsToRead).toContain('customer_age');
    const refusing = { ...fraud, spec: { ...fraud.spec, missing: 'refuse' as const } };
    expect(monitorReadPlan(header, header, [], { dataset: refusing, excluded: ['customer_age'] }).columnsToRead).toContain('customer_age');
  });
});
