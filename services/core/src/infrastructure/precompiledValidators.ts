import { Ajv, _ } from 'ajv';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { addFormats, AJV_OPTIONS, declaredSchemas, SCHEMA_FORMATS, schemaKey } from './jsonSchema.ts';
import { repositoryPath } from './repoRoot.ts';

// ajv's standalone module is CommonJS (module.exports = standaloneCode); its types describe the ESM namespace.
const standaloneCode = standaloneCodeModule as unknown as (ajv: Ajv, validate: object) => string;

/**
 * Compiles, ahead, the schema validators the bundled modules declare (jsonSchema.ts
 * looks them up by their schema's hash when it runs from a bundle). `modules`: the
 * repository's modules in the bundles, entry scripts left out (importing one would run
 * it); those that declare a validator are imported here, which declares it.
 */
export async function writePrecompiledValidators(directory: string, modules: readonly string[]): Promise<number> {
  for (const module of modules) {
    const source = readFileSync(repositoryPath(module), 'utf8');
    if (source.includes('compileSchema') || source.includes('compileContractSchema')) await import(pathToFileURL(repositoryPath(module)).href);
  }
  // Formats are required from ajv-formats by the generated code, as the run-time instance has them from it.
  const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } });
  addFormats(ajv, SCHEMA_FORMATS);
  const { referenced, compiled } = declaredSchemas();
  for (const schema of referenced) ajv.addSchema(schema);
  mkdirSync(directory, { recursive: true });
  for (const schema of compiled) {
    const id = (schema as { $id?: unknown }).$id;
    const validate = (typeof id === 'string' ? ajv.getSchema(id) : undefined) ?? ajv.compile(schema);
    writeFileSync(join(directory, `${schemaKey(schema)}.cjs`), standaloneCode(ajv, validate));
  }
  return compiled.length;
}
