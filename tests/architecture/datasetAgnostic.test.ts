import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { allColumnsOf, loadDatasetSpec } from '../../services/core/src/domain/datasetSpec.ts';
import { VOCABULARY_DEFINITIONS } from '../../services/core/src/domain/vocabularySchema.ts';
import { OWN_TABLE_NAMES, writeOwnDataTable } from '../helpers/ownDataTables.ts';
import { makeTempDir, REPO_ROOT } from '../helpers/runScript.ts';

/*
 * The stages read a dataset's columns from its spec: no product module may name one. The
 * generator (which writes the fraud data) and the tests are the only code that knows them.
 */

const temp = makeTempDir('dataset-agnostic');
afterAll(() => temp.cleanup());

function productSources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return productSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** A column named like a word of our own vocabularies ("outcome") cannot be told apart by a text search: those are left out. */
const OUR_WORDS = new Set(Object.values(VOCABULARY_DEFINITIONS).flat() as string[]);

function columnsOf(specPath: string): string[] {
  const { spec } = loadDatasetSpec(specPath);
  return allColumnsOf(spec).filter((column) => !OUR_WORDS.has(column));
}

describe('no product code knows a dataset\'s columns', () => {
  const datasets = readdirSync(join(REPO_ROOT, 'datasets')).filter((name) => name.endsWith('.yaml')).map((name) => join(REPO_ROOT, 'datasets', name));
  const generated = OWN_TABLE_NAMES.map((name) => writeOwnDataTable(temp.path, name, { referenceRows: 50, currentRows: 50 }).spec);

  it.each([...datasets, ...generated].map((path) => [relative(REPO_ROOT, path).replace(/^\.\.\/.*\//, ''), path]))('%s: none of its column names is quoted in services/', (_name, path) => {
    const columns = columnsOf(path);
    const breaches = productSources(join(REPO_ROOT, 'services')).flatMap((source) => {
      const text = readFileSync(source, 'utf8');
      return columns.filter((column) => new RegExp(`['"\`]${column}['"\`]`).test(text)).map((column) => `${relative(REPO_ROOT, source)}: "${column}"`);
    });
    expect(breaches).toEqual([]);
  });
});
