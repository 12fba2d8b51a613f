import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../../tests/helpers/runScript.ts';
import { writeFileAtomic, writeStreamAtomic } from './atomicWrite.ts';

const temp = makeTempDir('atomic-write');
afterAll(() => temp.cleanup());

function freshDirectory(name: string): string {
  const path = join(temp.path, name);
  mkdirSync(path, { recursive: true });
  return path;
}

describe('atomic writes refuse a target they cannot replace, with one line and nothing left behind', () => {
  it('a target that is a directory, for a whole-file write', () => {
    const dir = freshDirectory('whole');
    mkdirSync(join(dir, 'out.json'));
    expect(() => writeFileAtomic(join(dir, 'out.json'), '{}\n')).toThrow(`cannot write ${join(dir, 'out.json')}: ${join(dir, 'out.json')} is a directory`);
    expect(readdirSync(dir)).toEqual(['out.json']);
  });

  it('a target that is a directory, for a stream, before anything is streamed', async () => {
    const dir = freshDirectory('stream');
    mkdirSync(join(dir, 'out.csv'));
    let filled = false;
    await expect(writeStreamAtomic(join(dir, 'out.csv'), async (out) => { filled = true; await out.write('a\n'); }))
      .rejects.toThrow(`cannot write ${join(dir, 'out.csv')}: ${join(dir, 'out.csv')} is a directory`);
    expect(filled).toBe(false);
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  it('a parent that is a regular file', async () => {
    const dir = freshDirectory('parent-file');
    writeFileSync(join(dir, 'plain'), '');
    const target = join(dir, 'plain', 'sub', 'out.csv');
    await expect(writeStreamAtomic(target, async (out) => out.write('a\n'))).rejects.toThrow(`cannot create directory for ${target}: ${join(dir, 'plain')} is not a directory`);
    expect(readdirSync(dir)).toEqual(['plain']);
  });

  it('still creates missing parents and replaces the file', async () => {
    const dir = freshDirectory('works');
    const target = join(dir, 'a', 'b', 'out.csv');
    await writeStreamAtomic(target, async (out) => out.write('a\n'));
    writeFileAtomic(target, 'b\n');
    expect(readFileSync(target, 'utf8')).toBe('b\n');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['out.csv']);
  });
});
