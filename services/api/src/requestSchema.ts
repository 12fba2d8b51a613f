import type { DatasetSpec, FeatureSpec } from '../../core/src/domain/datasetSpec.ts';

/*
 * The body of POST /predict is derived from the dataset spec of the model that serves:
 * a team's own columns, types and ranges are checked as the fraud columns were, and a
 * new Production version trained on another spec brings its own request schema.
 */

const DEFAULT_MAX_LENGTH = 64;

function featureSchema(feature: FeatureSpec, nullable: boolean): Record<string, unknown> {
  const orNull = (type: string | string[]) => (nullable ? [...[type].flat(), 'null'] : type);
  if (feature.type === 'categorical') {
    // A category may be a code sent as a number: the CSV reader reads such codes as numbers too.
    return { type: orNull(['string', 'integer']), minLength: 1, maxLength: feature.max_length ?? DEFAULT_MAX_LENGTH };
  }
  return {
    type: orNull(feature.type === 'integer' ? 'integer' : 'number'),
    ...(feature.min === undefined ? {} : { minimum: feature.min }),
    ...(feature.max === undefined ? {} : { maximum: feature.max }),
  };
}

/** One row to score: every feature (null or absent only where missing values are imputed and the key is optional), the id and time optional, nothing else. */
export function requestSchemaOf(spec: DatasetSpec): Record<string, unknown> {
  const nullable = spec.missing === 'impute';
  const properties: Record<string, unknown> = {};
  if (spec.id !== undefined) properties[spec.id] = { type: ['string', 'integer'], maxLength: 64 };
  if (spec.time !== undefined) properties[spec.time] = { type: 'string', maxLength: 40 };
  for (const [name, feature] of Object.entries(spec.features)) properties[name] = featureSchema(feature, nullable);
  const required = Object.entries(spec.features).filter(([, feature]) => feature.required !== false || !nullable).map(([name]) => name);
  return { title: `One ${spec.name} row to score (POST /predict)`, type: 'object', additionalProperties: false, required, properties };
}
