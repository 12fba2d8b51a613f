import type { ModelKind } from '../../core/src/domain/vocabularies.ts';

export type { ModelKind };

/** What every model behind the registry offers: probabilities of fraud, and a JSON form. */
export interface ProbabilisticClassifier<Serialized extends object = object> {
  readonly kind: ModelKind;
  predictProbabilities(matrix: number[][]): number[];
  toJSON(): Serialized;
}
