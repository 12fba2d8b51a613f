import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../../tests/helpers/runScript.ts';
import { cutTornTail } from './appendOnlyLines.ts';

const temp = makeTempDir('append-only-lines');
afterAll(() => temp.cleanup());

function cut(name: string, text: string): { size: number; text: string } {
  const path = join(temp.path, name);
  writeFileSync(path, text);
  const size = cutTornTail(path);
  return { size, text: readFileSync(path, 'utf8') };
}

describe('cutTornTail', () => {
  it('leaves whole lines alone and cuts a torn last record', () => {
    expect(cut('whole', '{"a":1}\n{"b":2}\n')).toEqual({ size: 16, text: '{"a":1}\n{"b":2}\n' });
    expect(cut('torn', '{"a":1}\n{"b":2}\n{"c":')).toEqual({ size: 16, text: '{"a":1}\n{"b":2}\n' });
  });

  it('counts bytes, not characters, and finds the last newline across read chunks', () => {
    const whole = `{"é":"${'x'.repeat(10)}"}\n`;
    expect(cut('multibyte', `${whole}{"é":"ü`)).toEqual({ size: Buffer.byteLength(whole), text: whole });
    const long = `{"v":"${'y'.repeat(200_000)}"}\n`;
    expect(cut('long-torn', `${long}{"v":"${'z'.repeat(150_000)}`)).toEqual({ size: long.length, text: long });
  });

  it('empties a file holding only a torn record; a missing or empty file is size 0', () => {
    expect(cut('only-torn', '{"a":')).toEqual({ size: 0, text: '' });
    expect(cut('empty', '')).toEqual({ size: 0, text: '' });
    expect(cutTornTail(join(temp.path, 'missing.jsonl'))).toBe(0);
  });
});
