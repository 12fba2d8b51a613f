import { readFileSync, statSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isNode, isScalar, isSeq, visit, type Document } from 'yaml';
import { UserError, errorMessage } from './errors.ts';
import { sha256Hex } from './fileHash.ts';
import { formatPath, type SchemaProblem, type SchemaValidator } from './jsonSchema.ts';

/**
 * Far above any policy or scenario a person writes, and low enough that a hostile or
 * generated file is refused before parsing costs seconds and hundreds of MB.
 */
export const MAX_YAML_BYTES = 1024 * 1024;

function refuseOversized(source: string, bytes: number): void {
  if (bytes > MAX_YAML_BYTES) throw new UserError(`${source}: ${bytes} bytes, over the 1 MiB a YAML file may have`);
}

/**
 * Where the earliest key that repeats an earlier key of its mapping starts, if any. The
 * yaml library's own check (uniqueKeys) compares each key with every earlier one, which
 * took minutes on a policy with a few hundred thousand column keys; a Set per mapping is
 * linear. Keys are equal as the library compares them: scalars by value, nothing else.
 */
function firstDuplicateKeyOffset(document: Document): number | undefined {
  let first: number | undefined;
  visit(document, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) {
          const offset = key.range?.[0];
          if (offset !== undefined && (first === undefined || offset < first)) first = offset;
          break;
        }
        seen.add(key.value);
      }
    },
  });
  return first;
}

/**
 * Load a YAML file and validate it; any error names the file, the YAML path and the
 * line, because a user edits these files by hand.
 */
export function parseYamlWithSchema<T>(text: string, source: string, validator: SchemaValidator<T>, check?: (data: T) => SchemaProblem | undefined): T {
  refuseOversized(source, Buffer.byteLength(text, 'utf8'));
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  const syntaxError = document.errors[0];
  const duplicateOffset = firstDuplicateKeyOffset(document);
  // Whichever comes first in the file, as when the library found both in one pass.
  const [offset, message] = duplicateOffset !== undefined && (syntaxError === undefined || duplicateOffset < syntaxError.pos[0])
    ? [duplicateOffset, 'Map keys must be unique']
    : [syntaxError?.pos[0], syntaxError?.message.split('\n')[0]];
  if (offset !== undefined) {
    const line = lineCounter.linePos(offset).line;
    throw new UserError(`${source}${line ? `:${line}` : ''}: invalid YAML: ${message}`);
  }
  let data: unknown;
  try {
    data = document.toJS();
  } catch (error) {
    // The library refuses to expand an alias bomb ("Excessive alias count") here, not while parsing.
    throw new UserError(`${source}: invalid YAML: ${errorMessage(error).split('\n')[0]}`);
  }
  const problem = validator.problems(data)[0] ?? check?.(data as T);
  if (problem) {
    const line = lineOfPath(document, lineCounter, problem.pathKeys);
    throw new UserError(`${source}${line ? `:${line}` : ''}: ${formatPath(problem.pathKeys)}: ${problem.message}`);
  }
  return data as T;
}

/**
 * The line a YAML path is written on: the line of its key (a value written as a block
 * starts on the line below its key, which is not where the reader looks), or of a
 * sequence item. A key that is not there (missing, or a problem found outside the
 * file) points at the nearest enclosing key that is.
 */
function lineOfPath(document: Document, lineCounter: LineCounter, pathKeys: readonly (string | number)[]): number | undefined {
  for (let depth = pathKeys.length; depth > 0; depth -= 1) {
    const parent = depth === 1 ? document.contents : document.getIn(pathKeys.slice(0, depth - 1), true);
    const key = pathKeys[depth - 1];
    let node: unknown;
    if (isMap(parent)) node = parent.items.find((pair) => (isScalar(pair.key) ? pair.key.value : pair.key) === key)?.key;
    else if (isSeq(parent) && typeof key === 'number') node = parent.items[key];
    const offset = isNode(node) ? node.range?.[0] : undefined;
    if (offset !== undefined) return lineCounter.linePos(offset).line;
  }
  const offset = isNode(document.contents) ? document.contents.range?.[0] : undefined;
  return offset !== undefined ? lineCounter.linePos(offset).line : undefined;
}

/**
 * The line of a YAML path in a file, for a problem found after loading (a policy rule
 * naming a column the data does not have): undefined when the file cannot be read or
 * parsed any more, as the line only helps.
 */
export function lineOfYamlPath(path: string, pathKeys: readonly (string | number)[]): number | undefined {
  try {
    refuseOversized(path, fileSize(path));
    const lineCounter = new LineCounter();
    const document = parseDocument(readTextFile(path), { lineCounter, prettyErrors: false, uniqueKeys: false });
    return lineOfPath(document, lineCounter, pathKeys);
  } catch {
    return undefined;
  }
}

/** "file:line: key.path" (or "file: key.path" without a line), the start of a one-line problem in a YAML file. */
export function yamlLocation(path: string, pathKeys: readonly (string | number)[]): string {
  const line = lineOfYamlPath(path, pathKeys);
  return `${path}${line ? `:${line}` : ''}: ${formatPath([...pathKeys])}`;
}

export function readFileBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
  }
}

function readTextFile(path: string): string {
  return readFileBytes(path).toString('utf8');
}

/** The size on disk, checked before reading, so a huge file is never read in whole. */
function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
  }
}

export function loadYamlWithSchema<T>(path: string, validator: SchemaValidator<T>, check?: (data: T) => SchemaProblem | undefined): T {
  refuseOversized(path, fileSize(path));
  return parseYamlWithSchema(readTextFile(path), path, validator, check);
}

export function parseJsonText(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UserError(`${source}: invalid JSON: ${errorMessage(error)}`);
  }
}

export function readJsonFile(path: string): unknown {
  return parseJsonText(readTextFile(path), path);
}

/** A JSON file's value and the sha256 of the very bytes it was parsed from. */
export function readJsonFileWithHash(path: string): { value: unknown; sha256: string } {
  const bytes = readFileBytes(path);
  return { value: parseJsonText(bytes.toString('utf8'), path), sha256: sha256Hex(bytes) };
}
