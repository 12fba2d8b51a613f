import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's root: the nearest folder above this module whose package.json is
 * DriftWatch's. Found rather than counted in "../" steps, so the same code finds the
 * same files when it runs from elsewhere (the tests run the scripts from one bundle).
 */
function findRepositoryRoot(from: string): string {
  for (let directory = from; ; directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'driftwatch') return directory;
    if (dirname(directory) === directory) throw new Error(`internal: no DriftWatch package.json above ${from}`);
  }
}

export const REPOSITORY_ROOT = findRepositoryRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the repository, from its root. */
export function repositoryPath(...parts: string[]): string {
  return join(REPOSITORY_ROOT, ...parts);
}
