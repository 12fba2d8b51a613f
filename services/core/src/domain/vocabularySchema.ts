import { addReferencedSchema, compileSchema, type SchemaValidator } from '../infrastructure/jsonSchema.ts';
import { STAT_TEST_NAMES } from './stattests/statTestRegistry.ts';
import {
  ACTIONS, APPROVAL_ANSWERS, APPROVAL_STATUSES, DEFERRAL_SETTLEMENTS, AUDIT_KINDS, COLUMN_TYPES, EVIDENCE_DIRECTIONS, GUARDRAIL_NAMES, INCIDENT_TYPES, MODEL_CHOICES, MODEL_KINDS,
  MONITORING_STATUSES, PLAN_STATUSES, PROMOTION_TARGETS, REGISTRY_OPERATIONS, RELEASE_OUTCOMES, RETRAIN_DATA, SCORE_KINDS, SELECTION_METRICS,
  REFERENCE_MODES, SEVERITIES, STAGES, STALE_APPROVAL_HANDLING, STATTEST_CHOICES, WEEKDAYS, FEATURE_TYPES, MISSING_HANDLING,
  MOVE_DIRECTIONS, SEGMENT_BASES, ALERT_HANDLING, ALERT_STATUSES, NOTIFICATION_EVENTS, NOTIFICATION_FORMATS, CHART_BINNINGS,
} from './vocabularies.ts';

export const VOCABULARY_SCHEMA_ID = 'https://driftwatch.local/schemas/vocabulary.schema.json';

/**
 * The vocabularies as one JSON Schema of definitions. The schema files refer to a word
 * list as {"$ref": "vocabulary.schema.json#/$defs/action"}, so none of them spells a
 * list out and none can fall behind the code.
 */
export const VOCABULARY_DEFINITIONS = {
  action: ACTIONS,
  severity: SEVERITIES,
  incidentType: INCIDENT_TYPES,
  releaseOutcome: RELEASE_OUTCOMES,
  planStatus: PLAN_STATUSES,
  guardrailName: GUARDRAIL_NAMES,
  auditKind: AUDIT_KINDS,
  approvalStatus: APPROVAL_STATUSES,
  approvalAnswer: APPROVAL_ANSWERS,
  stage: STAGES,
  promotionTarget: PROMOTION_TARGETS,
  registryOperation: REGISTRY_OPERATIONS,
  modelKind: MODEL_KINDS,
  modelChoice: MODEL_CHOICES,
  selectionMetric: SELECTION_METRICS,
  retrainData: RETRAIN_DATA,
  columnType: COLUMN_TYPES,
  scoreKind: SCORE_KINDS,
  monitoringStatus: MONITORING_STATUSES,
  evidenceDirection: EVIDENCE_DIRECTIONS,
  weekday: WEEKDAYS,
  staleApprovalHandling: STALE_APPROVAL_HANDLING,
  deferralSettlement: DEFERRAL_SETTLEMENTS,
  referenceMode: REFERENCE_MODES,
  moveDirection: MOVE_DIRECTIONS,
  segmentBasis: SEGMENT_BASES,
  featureType: FEATURE_TYPES,
  missingHandling: MISSING_HANDLING,
  statTestChoice: STATTEST_CHOICES,
  chartBinning: CHART_BINNINGS,
  alertHandling: ALERT_HANDLING,
  alertStatus: ALERT_STATUSES,
  notificationEvent: NOTIFICATION_EVENTS,
  notificationFormat: NOTIFICATION_FORMATS,
  statTestName: STAT_TEST_NAMES,
} as const satisfies Record<string, readonly string[]>;

export const VOCABULARY_SCHEMA = {
  $id: VOCABULARY_SCHEMA_ID,
  title: 'DriftWatch vocabularies (generated from services/core/src/domain/vocabularies.ts and the drift test registry)',
  $defs: Object.fromEntries(Object.entries(VOCABULARY_DEFINITIONS).map(([name, words]) => [name, { enum: [...words] }])),
};

/** Compile a schema of a file that crosses a stage boundary: its vocabulary references resolve to the lists above. */
export function compileContractSchema<T>(schema: object): SchemaValidator<T> {
  addReferencedSchema(VOCABULARY_SCHEMA);
  return compileSchema<T>(schema);
}
