import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import { PredictionLog, readPredictionLog, type PredictionLogMode, type PredictionRecord } from './predictionLog.ts';

const temp = makeTempDir('prediction-log');
afterEach(() => temp.cleanup());

const record = (index: number, note = ''): PredictionRecord => ({
  request_id: `r${index}`, time: '2026-11-23T10:00:00.000Z', model_version: 1, features: { transaction_id: `t${index}`, note }, score: 0.25, label: 0,
});
const line = (index: number) => `${JSON.stringify(record(index))}\n`;
const MODES: PredictionLogMode[] = ['durable', 'async'];

describe('PredictionLog', () => {
  for (const mode of MODES) {
    it(`${mode}: rotates between records: no file passes the size limit, none splits a record, order is kept`, async () => {
      const directory = join(temp.path, `rotation-${mode}`);
      const log = new PredictionLog(directory, 1000, mode);
      // Multi-byte text makes characters and bytes differ, which the size limit must count in bytes.
      const appended: Promise<void>[] = [];
      for (let index = 0; index < 60; index += 1) appended.push(log.append(record(index, 'é'.repeat(index % 7))));
      await Promise.all(appended);
      await log.close();
      const files = readdirSync(directory).sort();
      expect(files.length).toBeGreaterThan(3);
      for (const file of files) {
        expect(statSync(join(directory, file)).size).toBeLessThanOrEqual(1000);
        expect(readFileSync(join(directory, file), 'utf8').endsWith('\n')).toBe(true);
      }
      expect(readPredictionLog(directory).map((entry) => entry.request_id)).toEqual(Array.from({ length: 60 }, (_, index) => `r${index}`));
      expect(log.written).toBe(60);
    });
  }

  it('durable: appends of one tick are written together in one write, and each promise resolves only once its record is in the file', async () => {
    const directory = join(temp.path, 'group');
    // No age limit: the group is the tick, whatever the machine's speed.
    const log = new PredictionLog(directory, 1 << 20, 'durable', Number.POSITIVE_INFINITY);
    const file = join(directory, 'predictions-000001.jsonl');
    const onDisk = () => (existsSync(file) ? readFileSync(file, 'utf8') : '');
    const seenAtResolve: boolean[] = [];
    const appended = Array.from({ length: 100 }, (_, index) => log.append(record(index)).then(() => { seenAtResolve[index] = onDisk().includes(line(index)); }));
    expect(onDisk()).toBe('');
    await Promise.all(appended);
    expect(seenAtResolve).toEqual(Array.from({ length: 100 }, () => true));
    expect(log.writes).toBe(1);
    expect(log.written).toBe(100);
    // A later tick's appends are a new group: one more write, not a hundred.
    await Promise.all(Array.from({ length: 100 }, (_, index) => log.append(record(100 + index))));
    expect(log.writes).toBe(2);
    await log.close();
    expect(readPredictionLog(directory)).toHaveLength(200);
  });

  it('durable: a group older than maxGroupWaitMs is written by the append that finds it so, without waiting for the tick to end', async () => {
    const directory = join(temp.path, 'group-age');
    const log = new PredictionLog(directory, 1 << 20, 'durable', 0);
    const appended = [log.append(record(0)), log.append(record(1)), log.append(record(2))];
    // Already written before this tick ends: no setImmediate has run yet.
    expect(log.writes).toBe(3);
    expect(readPredictionLog(directory).map((entry) => entry.request_id)).toEqual(['r0', 'r1', 'r2']);
    await Promise.all(appended);
    await log.close();
  });

  it('durable: a batch of records is acknowledged once all of them are written, across a rotation', async () => {
    const directory = join(temp.path, 'batch');
    const log = new PredictionLog(directory, 1000);
    await log.append(...Array.from({ length: 20 }, (_, index) => record(index)));
    expect(readPredictionLog(directory).map((entry) => entry.request_id)).toEqual(Array.from({ length: 20 }, (_, index) => `r${index}`));
    expect(readdirSync(directory).length).toBeGreaterThan(1);
    await log.close();
  });

  it('async: append resolves before the write (respond first), and close() writes everything', async () => {
    const directory = join(temp.path, 'async');
    const log = new PredictionLog(directory, 1 << 20, 'async');
    await log.append(record(0));
    expect(log.written).toBe(0);
    await log.close();
    expect(readPredictionLog(directory).map((entry) => entry.request_id)).toEqual(['r0']);
    expect(log.written).toBe(1);
  });

  it.skipIf(!existsSync('/dev/full'))('durable: a failed write rejects the appends it held and counts none of them as written', async () => {
    const directory = join(temp.path, 'full');
    mkdirSync(directory, { recursive: true });
    // Writes to /dev/full fail with ENOSPC: a full disk, without filling one.
    symlinkSync('/dev/full', join(directory, 'predictions-000001.jsonl'));
    const log = new PredictionLog(directory, 1 << 20);
    const results = await Promise.allSettled([log.append(record(0)), log.append(record(1))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/ENOSPC/);
    expect(log.written).toBe(0);
    await log.close();
  });

  it('a restarted log appends to the newest file instead of starting over', async () => {
    const directory = join(temp.path, 'restart');
    const first = new PredictionLog(directory, 1000);
    for (let index = 0; index < 20; index += 1) void first.append(record(index));
    await first.close();
    const filesBefore = readdirSync(directory).sort();
    const second = new PredictionLog(directory, 1000);
    await second.append(record(20));
    await second.close();
    const filesAfter = readdirSync(directory).sort();
    expect(filesAfter.slice(0, filesBefore.length)).toEqual(filesBefore);
    expect(readPredictionLog(directory).map((entry) => entry.request_id)).toEqual(Array.from({ length: 21 }, (_, index) => `r${index}`));
  });

  it('a restart after a crash mid-write cuts the torn record, so the next one starts a whole line', async () => {
    const directory = join(temp.path, 'torn');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'predictions-000001.jsonl'), `${line(0)}{"request_id":"r1","ti`);
    const log = new PredictionLog(directory, 1000);
    await log.append(record(2));
    await log.close();
    expect(readPredictionLog(directory).map((entry) => entry.request_id)).toEqual(['r0', 'r2']);
  });

  it('a record larger than the limit gets a file of its own rather than being dropped', async () => {
    const directory = join(temp.path, 'large');
    const log = new PredictionLog(directory, 200);
    await Promise.all([log.append(record(0)), log.append(record(1, 'x'.repeat(500))), log.append(record(2))]);
    await log.close();
    expect(readdirSync(directory)).toHaveLength(3);
    expect(readPredictionLog(directory).map((entry) => entry.request_id)).toEqual(['r0', 'r1', 'r2']);
  });

  it('refuses appends after close, so a late request cannot be silently lost', async () => {
    const log = new PredictionLog(join(temp.path, 'closed'), 1000);
    await log.close();
    expect(() => log.append(record(0))).toThrow(/closed/);
  });
});

describe('readPredictionLog', () => {
  it('skips a torn last record of the newest file (a crash mid-write, before any restart)', () => {
    const directory = join(temp.path, 'read-torn');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'predictions-000001.jsonl'), `${line(0)}${line(1)}`);
    writeFileSync(join(directory, 'predictions-000002.jsonl'), `${line(2)}{"request_id":"r3","ti`);
    expect(readPredictionLog(directory).map((entry) => entry.request_id)).toEqual(['r0', 'r1', 'r2']);
  });

  it('a last line without its newline is incomplete even when it happens to parse', () => {
    const directory = join(temp.path, 'read-unterminated');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'predictions-000001.jsonl'), `${line(0)}${line(1).trimEnd()}`);
    expect(readPredictionLog(directory).map((entry) => entry.request_id)).toEqual(['r0']);
  });

  it('a corrupt complete line is still an error naming its file and line', () => {
    const directory = join(temp.path, 'read-corrupt');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'predictions-000001.jsonl'), `${line(0)}{"request_id":"r1","ti\n${line(2)}`);
    expect(() => readPredictionLog(directory)).toThrow(/predictions-000001\.jsonl: line 2: not valid JSON/);
  });

  it('a torn line at the end of an older file is an error: only the newest file can be mid-write', () => {
    const directory = join(temp.path, 'read-older-torn');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'predictions-000001.jsonl'), `${line(0)}{"request_id":"r1","ti`);
    writeFileSync(join(directory, 'predictions-000002.jsonl'), line(2));
    expect(() => readPredictionLog(directory)).toThrow(/predictions-000001\.jsonl: line 2: not valid JSON/);
  });
});
