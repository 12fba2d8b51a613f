import { productionPeriods, type HistoryEntry, type ProductionPeriod, type VersionRecord } from '../../../registry/src/index.ts';

/** One registered version as the dashboard lists it. */
export interface VersionRow {
  version: number;
  stage: string;
  model_type: string;
  created_at: string;
  roc_auc: number | null;
  average_precision: number | null;
  parent_version: number | null;
  run_id: string | null;
  training_rows: number;
  scenario: string | null;
}

/** GET /api/registry: every version, what served when, and the latest moves. */
export interface RegistryView {
  production_version: number | null;
  versions: VersionRow[];
  /** Newest first. */
  served: ProductionPeriod[];
  /** The last moves, newest first. */
  history: HistoryEntry[];
}

const HISTORY_SHOWN = 50;

export function registryView(versions: readonly VersionRecord[], history: readonly HistoryEntry[]): RegistryView {
  const rows = versions.map(({ metadata, stage }): VersionRow => ({
    version: metadata.version,
    stage,
    model_type: metadata.model_type,
    created_at: metadata.created_at,
    roc_auc: metadata.metrics.validation.roc_auc,
    average_precision: metadata.metrics.validation.average_precision,
    parent_version: metadata.parent_version,
    run_id: metadata.run_id,
    training_rows: metadata.training_data.rows,
    scenario: metadata.training_data.scenario ?? null,
  })).sort((a, b) => b.version - a.version);
  return {
    production_version: rows.find((row) => row.stage === 'Production')?.version ?? null,
    versions: rows,
    served: productionPeriods(history).reverse(),
    history: history.slice(-HISTORY_SHOWN).reverse(),
  };
}
