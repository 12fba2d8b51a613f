import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isNode } from 'yaml';
import { UserError, errorMessage } from './errors.ts';
import { sha256Hex } from './fileHash.ts';
import { formatPath, type SchemaProblem, type SchemaValidator } from './jsonSchema.ts';

/**
 * Load a YAML file and validate it; any error names the file, the YAML path and the
 * line, because a user edits these files by hand.
 */
export function parseYamlWithSchema<T>(text: string, source: string, validator: SchemaValidator<T>, check?: (data: T) => SchemaProblem | undefined): T {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    const line = lineCounter.linePos(syntaxError.pos[0]).line;
    throw new UserError(`${source}${line ? `:${line}` : ''}: invalid YAML: ${syntaxError.message.split('\n')[0]}`);
  }
  const data: unknown = document.toJS();
  const problem = validator.problems(data)[0] ?? check?.(data as T);
  if (problem) {
    let keys = problem.pathKeys;
    let node = document.getIn(keys, true);
    // A missing or unknown key has no node of its own: point at its parent.
    while (!isNode(node) && keys.length > 0) {
      keys = keys.slice(0, -1);
      node = keys.length === 0 ? document.contents : document.getIn(keys, true);
    }
    const offset = isNode(node) ? node.range?.[0] : undefined;
    const line = offset !== undefined ? lineCounter.linePos(offset).line : undefined;
    throw new UserError(`${source}${line ? `:${line}` : ''}: ${formatPath(problem.pathKeys)}: ${problem.message}`);
  }
  return data as T;
}

function readFileBytes(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${errorMessage(error)}`);
  }
}

function readTextFile(path: string): string {
  return readFileBytes(path).toString('utf8');
}

export function loadYamlWithSchema<T>(path: string, validator: SchemaValidator<T>, check?: (data: T) => SchemaProblem | undefined): T {
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
