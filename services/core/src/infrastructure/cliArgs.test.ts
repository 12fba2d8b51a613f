import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../../tests/helpers/runScript.ts';
import { parseCommand, parseDirectoryFlag, type CommandSpec } from './cliArgs.ts';

const temp = makeTempDir('cli-args');
afterAll(() => temp.cleanup());

const spec: CommandSpec = {
  usage: 'test',
  summary: 'test',
  allowPositionals: true,
  options: {
    rows: { type: 'string', description: 'rows' },
    json: { type: 'boolean', description: 'json' },
  },
};

describe('parseCommand', () => {
  it('takes a negative number after a string option as its value', () => {
    expect(parseCommand(spec, ['--rows', '-1']).values.rows).toBe('-1');
    expect(parseCommand(spec, ['--rows', '-0.5', '--json']).values).toEqual({ rows: '-0.5', json: true });
    expect(parseCommand(spec, ['--rows=-7']).values.rows).toBe('-7');
  });

  it('still refuses an option where a value should be', () => {
    expect(() => parseCommand(spec, ['--rows', '--json'])).toThrow(/argument is ambiguous/);
    expect(() => parseCommand(spec, ['--rows', '-x'])).toThrow(/argument is ambiguous/);
  });

  it('leaves what follows -- alone', () => {
    expect(parseCommand(spec, ['--', '--rows', '-1']).positionals).toEqual(['--rows', '-1']);
  });
});

describe('parseDirectoryFlag', () => {
  it('accepts a directory or a path that does not exist yet, and refuses a regular file by name', () => {
    const file = join(temp.path, 'plain');
    writeFileSync(file, '');
    expect(parseDirectoryFlag('registry', temp.path)).toBe(temp.path);
    expect(parseDirectoryFlag('registry', join(temp.path, 'later'))).toBe(join(temp.path, 'later'));
    expect(() => parseDirectoryFlag('registry', file)).toThrow(`--registry ${file} is not a directory`);
  });
});
