/** The columns of the transaction CSV the generator writes; datasets/fraud.yaml describes them to every other stage. */

export const ID_COLUMN = 'transaction_id' as const;
export const TIME_COLUMN = 'event_time' as const;
export const LABEL_COLUMN = 'is_fraud' as const;
export const HOUR_COLUMN = 'transaction_hour';

/** Columns that are never model features nor drift features. */
export const NON_FEATURE_COLUMNS: readonly string[] = [ID_COLUMN, TIME_COLUMN, LABEL_COLUMN];

export const NUMERICAL_FEATURES = [
  'transaction_amount',
  'transaction_hour',
  'customer_age',
  'account_tenure_days',
  'merchant_risk_score',
  'geo_distance_km',
  'is_international',
] as const;

export const CATEGORICAL_FEATURES = ['merchant_category', 'channel'] as const;

/** Every column of the CSV, in file order. */
export const FRAUD_COLUMNS = [ID_COLUMN, TIME_COLUMN, ...NUMERICAL_FEATURES, ...CATEGORICAL_FEATURES, LABEL_COLUMN] as const;

export type FraudColumn = (typeof FRAUD_COLUMNS)[number];

export type NumericalFeature = (typeof NUMERICAL_FEATURES)[number];
export type CategoricalFeature = (typeof CATEGORICAL_FEATURES)[number];

export interface Transaction {
  transaction_id: string;
  event_time: string;
  transaction_amount: number;
  transaction_hour: number;
  customer_age: number;
  account_tenure_days: number;
  merchant_risk_score: number;
  geo_distance_km: number;
  is_international: 0 | 1;
  merchant_category: string;
  channel: string;
  is_fraud: 0 | 1;
}

/** The features a model is trained and served on (no id, time or label). */
export type TransactionFeatures = Omit<Transaction, 'transaction_id' | 'event_time' | 'is_fraud'>;
