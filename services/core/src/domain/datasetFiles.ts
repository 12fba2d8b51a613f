/**
 * The generator writes X.meta.json beside every X.csv (scenario, seed, rows, sha256):
 * training reads it back as lineage. Both find it here.
 */
export function datasetMetaPath(csvPath: string): string {
  return `${csvPath.replace(/\.csv$/i, '')}.meta.json`;
}
