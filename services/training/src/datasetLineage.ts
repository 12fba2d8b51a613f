import { existsSync, readFileSync } from 'node:fs';
import { sha256OfFileSync } from '../../core/src/infrastructure/fileHash.ts';
import { datasetMetaPath } from '../../core/src/domain/datasetFiles.ts';

export interface DatasetLineage {
  path: string;
  sha256: string;
  rows: number;
  scenario: string | null;
  data_seed: number | null;
}

/** The data's hash, and its scenario and seed when the generator's .meta.json is beside it. */
export function datasetLineage(path: string, rows: number): DatasetLineage {
  const metaPath = datasetMetaPath(path);
  let scenario: string | null = null;
  let dataSeed: number | null = null;
  if (existsSync(metaPath)) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as { scenario?: unknown; seed?: unknown };
      scenario = typeof meta.scenario === 'string' ? meta.scenario : null;
      dataSeed = typeof meta.seed === 'number' ? meta.seed : null;
    } catch {
      // A damaged .meta.json only loses lineage detail; the data's own hash still stands.
    }
  }
  return { path, sha256: sha256OfFileSync(path), rows, scenario, data_seed: dataSeed };
}
