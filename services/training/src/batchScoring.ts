import type { DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';
import { createPredictor, type ModelArtifact, type Scored } from './modelArtifact.ts';
import { tableRowSource } from './preprocessing.ts';

/** Fraud probabilities for every row of a table (columns missing from it are named in the error). */
export function scoreTable(artifact: ModelArtifact, table: DataTable, rows?: number[]): Scored {
  const predictor = createPredictor(artifact);
  return predictor.score(tableRowSource(table, artifact.preprocessing), rows);
}
