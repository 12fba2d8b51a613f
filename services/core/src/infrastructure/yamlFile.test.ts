import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../../tests/helpers/runScript.ts';
import { compileSchema } from './jsonSchema.ts';
import { MAX_YAML_BYTES, loadYamlWithSchema, parseYamlWithSchema } from './yamlFile.ts';

const temp = makeTempDir('yaml-file');
afterAll(() => temp.cleanup());

const anything = compileSchema<unknown>({});
const parse = (text: string): unknown => parseYamlWithSchema(text, 'in.yaml', anything);

describe('YAML loading refuses hostile input with one line naming the file', () => {
  it('an alias bomb (billion laughs) is a user error, not a crash', () => {
    const levels = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]'];
    for (let level = 1; level < 7; level += 1) {
      const name = String.fromCharCode(97 + level);
      const previous = String.fromCharCode(96 + level);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    expect(() => parse(levels.join('\n'))).toThrow(/^in\.yaml: invalid YAML: Excessive alias count/);
  });

  it('a file over the size bound is refused before it is parsed', () => {
    const text = `a: "${'x'.repeat(MAX_YAML_BYTES)}"\n`;
    const path = join(temp.path, 'big.yaml');
    writeFileSync(path, text);
    expect(() => loadYamlWithSchema(path, anything)).toThrow(`${path}: ${text.length} bytes, over the 1 MiB a YAML file may have`);
    expect(() => parse(text)).toThrow(`in.yaml: ${text.length} bytes, over the 1 MiB a YAML file may have`);
  });

  it('checks key uniqueness in linear time: 20,000 keys in one mapping parse in a second or two (quadratic: 9 s)', () => {
    const text = Array.from({ length: 20_000 }, (_, index) => `key${index}: ${index}`).join('\n');
    const started = performance.now();
    expect(Object.keys(parse(text) as object)).toHaveLength(20_000);
    expect(performance.now() - started).toBeLessThan(4000);
  });
});

describe('duplicate keys are refused with the line of the duplicate', () => {
  const cases: [string, string, string][] = [
    ['at the top', 'a: 1\nb: 2\na: 3\n', 'in.yaml:3: invalid YAML: Map keys must be unique'],
    ['nested, before a later duplicate of the outer map', 'a:\n  x: 1\n  x: 2\nb: 1\nb: 2\n', 'in.yaml:3: invalid YAML: Map keys must be unique'],
    ['in a flow mapping', 'a: { x: 1, y: 2,\n  x: 3 }\n', 'in.yaml:2: invalid YAML: Map keys must be unique'],
    ['before a syntax error', 'a: 1\na: 2\nb: [1, 2\n', 'in.yaml:2: invalid YAML: Map keys must be unique'],
  ];
  for (const [name, text, message] of cases) {
    it(name, () => expect(() => parse(text)).toThrow(message));
  }

  it('keys equal as text but not as values are distinct, as before', () => {
    expect(parse('"1": a\n1: b\n')).toEqual({ 1: 'b' });
    expect(parse('a: { b: 1 }\nc: { b: 2 }\n')).toEqual({ a: { b: 1 }, c: { b: 2 } });
  });
});

describe('a schema problem names the line of the key it is about', () => {
  const strict = compileSchema<unknown>({
    type: 'object',
    additionalProperties: false,
    required: ['version', 'retrain'],
    properties: {
      version: { type: 'integer' },
      retrain: { type: 'object', additionalProperties: false, required: ['seed'], properties: { data: { type: 'string' }, seed: { type: 'integer' } } },
      guardrails: { type: 'object', properties: { cooldown_minutes: { type: 'integer' } } },
    },
  });
  const parseStrict = (text: string): unknown => parseYamlWithSchema(text, 'policy.yaml', strict);

  it('a misspelled section key holding a block mapping: its own line, not the line below (retrian on 4, not 5)', () => {
    expect(() => parseStrict('version: 1\nretrain:\n  seed: 1\nretrian:\n  data: current\n  seed: 42\n')).toThrow('policy.yaml:4: retrian: unknown key');
  });
  it('a misspelled key inside a section, holding a scalar', () => {
    expect(() => parseStrict('version: 1\nretrain:\n  data: current\n  sed: 42\n')).toThrow('policy.yaml:4: retrain.sed: unknown key');
  });
  it('a missing key: the line of the section that lacks it', () => {
    expect(() => parseStrict('version: 1\nretrain:\n  data: current\n')).toThrow('policy.yaml:2: retrain.seed: is required');
  });
  it('a wrong value given as a block below its key: the key\'s line', () => {
    expect(() => parseStrict('version: 1\nretrain: { seed: 1 }\nguardrails:\n  cooldown_minutes:\n    - 60\n')).toThrow('policy.yaml:4: guardrails.cooldown_minutes: must be integer');
  });
});
