import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { UserError } from './errors.ts';
import { precompiledValidatorDirectory } from './scriptBundles.ts';

// allErrors, so the most specific problem can be reported (see problems()).
export const AJV_OPTIONS = { allErrors: true, strict: true, allowUnionTypes: true, useDefaults: false } as const;
export const SCHEMA_FORMATS = ['date-time', 'date', 'time'];
// ajv-formats is CommonJS (module.exports = plugin); its types describe the ESM namespace.
export const addFormats = addFormatsModule as unknown as (instance: Ajv, formats: string[]) => Ajv;
const ajv = new Ajv(AJV_OPTIONS);
addFormats(ajv, SCHEMA_FORMATS);

/** The schemas this process declared: those referred to by $id, and those compiled (precompiledValidators.ts compiles them ahead). */
const declared = { referenced: new Map<string, object>(), compiled: new Map<string, object>() };

export function declaredSchemas(): { referenced: object[]; compiled: object[] } {
  return { referenced: [...declared.referenced.values()], compiled: [...declared.compiled.values()] };
}

/** A schema's identity for its precompiled validator: the hash of its JSON. */
export function schemaKey(schema: object): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex').slice(0, 32);
}

/**
 * Make a schema that others refer to by its $id known to every validator compiled
 * afterwards (once; a second call with the same $id is ignored). Added to ajv only when
 * one is compiled here: adding it checks it against the meta-schema (60 ms), which a
 * compiled script, whose validators were compiled ahead, never needs.
 */
export function addReferencedSchema(schema: { $id: string }): void {
  if (!declared.referenced.has(schema.$id)) declared.referenced.set(schema.$id, schema);
}

const addedToAjv = new Set<string>();

/** ajv, with every referenced schema declared so far known to it. */
function compiler(): Ajv {
  for (const [id, schema] of declared.referenced) {
    if (addedToAjv.has(id)) continue;
    ajv.addSchema(schema);
    addedToAjv.add(id);
  }
  return ajv;
}

export interface SchemaProblem {
  /** JSON-pointer-like path split into keys, e.g. ['quality_gates', 'min_auc']. */
  pathKeys: (string | number)[];
  message: string;
}

/** A human path: quality_gates.min_auc, rows[3].amount. */
export function formatPath(pathKeys: (string | number)[]): string {
  if (pathKeys.length === 0) return '(root)';
  return pathKeys.map((key, index) => (typeof key === 'number' ? `[${key}]` : index === 0 ? key : `.${key}`)).join('');
}

function decodePointer(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer.slice(1).split('/').map((part) => {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(key) ? Number(key) : key;
  });
}

function describe(error: ErrorObject): SchemaProblem {
  const pathKeys = decodePointer(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return { pathKeys: [...pathKeys, String(params.additionalProperty)], message: 'unknown key' };
    case 'required':
      return { pathKeys: [...pathKeys, String(params.missingProperty)], message: 'is required' };
    case 'type': {
      const types = [params.type].flat() as string[];
      return { pathKeys, message: `must be ${types.join(' or ')}` };
    }
    case 'enum':
      return { pathKeys, message: `must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    default:
      return { pathKeys, message: error.message ?? error.keyword };
  }
}

export interface SchemaValidator<T> {
  (data: unknown): data is T;
  problems(data: unknown): SchemaProblem[];
}

/**
 * A validator compiled the first time it is used: modules declare theirs at load, and a
 * command that never reads a file of that kind (most of them, for most schemas) does not
 * pay ajv's compilation at every start.
 */
export function compileSchema<T>(schema: object): SchemaValidator<T> {
  const key = schemaKey(schema);
  declared.compiled.set(key, schema);
  let compiled: ValidateFunction | undefined;
  const validatorOf = (): ValidateFunction => {
    // A schema another one refers to may be known already (by its $id): compile it once.
    const id = (schema as { $id?: unknown }).$id;
    if (compiled !== undefined) return compiled;
    compiled = precompiledValidator(key);
    if (compiled === undefined) {
      const known = compiler();
      compiled = (typeof id === 'string' ? known.getSchema(id) : undefined) ?? known.compile(schema);
      // Compiled with its $id, it is known to ajv now: not to be added again as a referenced one.
      if (typeof id === 'string') addedToAjv.add(id);
    }
    return compiled;
  };
  const check = ((data: unknown) => validatorOf()(data)) as SchemaValidator<T>;
  // Deepest first, and a wrong value before a missing key: "min_auc: must be number" says more
  // than "drift_policy: is required" when both are true of a file being edited.
  check.problems = (data: unknown) => {
    const validate = validatorOf();
    return validate(data) ? [] : (validate.errors ?? []).map(describe)
    .map((problem, order) => ({ problem, order, depth: problem.pathKeys.length, missing: problem.message === 'is required' ? 1 : 0 }))
    .sort((a, b) => a.missing - b.missing || b.depth - a.depth || a.order - b.order)
    .map(({ problem }) => problem);
  };
  return check;
}

/**
 * A compiled script's validator, generated ahead by the build (ajv's standalone code, the
 * same checks and errors): compiling the monitoring summary's schema alone took 170 ms of
 * every monitor run. Undefined from the sources, or for a schema made at run time (an
 * API's request schema, from its model's dataset).
 */
function precompiledValidator(key: string): ValidateFunction | undefined {
  const directory = precompiledValidatorDirectory();
  if (directory === undefined) return undefined;
  const path = join(directory, `${key}.cjs`);
  return existsSync(path) ? (createRequire(import.meta.url)(path) as ValidateFunction) : undefined;
}

/** Validate data that came from outside (disk, HTTP); throws one line naming the source and field. */
export function assertValid<T>(validator: SchemaValidator<T>, data: unknown, source: string): T {
  const problems = validator.problems(data);
  const first = problems[0];
  if (first) throw new UserError(`${source}: ${formatPath(first.pathKeys)}: ${first.message}`);
  return data as T;
}

/** Check our own output against its contract before anyone reads it: a breach is our bug, so an Error, not a UserError. */
export function assertOwnOutput<T>(validator: SchemaValidator<T>, data: T, name: string): T {
  const first = validator.problems(data)[0];
  if (first) throw new Error(`internal: ${name} breaks its schema at ${formatPath(first.pathKeys)}: ${first.message}`);
  return data;
}
