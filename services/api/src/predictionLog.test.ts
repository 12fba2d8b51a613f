import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import { PredictionLog, readPredictionLog, type PredictionRecord } from './predictionLog.ts';

const temp = makeTempDir('prediction-log');
afterEach(() => temp.cleanup());

const record = (index: number, note = ''): PredictionRecord => ({
  request_id: `r${index}`, time: '2026-11-23T10:00:00.000Z', model_version: 1, features: { transaction_id: `t${index}`, note }, score: 0.25, label: 0,
});
const line = (index: number) => `${JSON.stringify(record(index))}\n`;

describe('PredictionLog', () => {
  it('rotates between records: no file passes the size limit, none splits a record, order is kept', async () => {
    const directory = join(temp.path, 'rotation');
    const log = new PredictionLog(directory, 1000);
    // Multi-byte text makes characters and bytes differ, which the size limit must count in bytes.
    for (let index = 0; index < 60; index += 1) log.append(record(index, 'é'.repeat(index % 7)));
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

  it('a restarted log appends to the newest file instead of starting over', async () => {
    const directory = join(temp.path, 'restart');
    const first = new PredictionLog(directory, 1000);
    for (let index = 0; index < 20; index += 1) first.append(record(index));
    await first.close();
    const filesBefore = readdirSync(directory).sort();
    const second = new PredictionLog(directory, 1000);
    second.append(record(20));
    await second.close();
    const filesAfter = readdirSync(directory).sort();
    expect(filesAfter.slice(0, filesBefore.length)).toEqual(filesBefore);
    expect(readPredictionLog(directory).map((entry) => entry.request_id)).toEqual(Array.from({ length: 21 }, (_, index) => `r${index}`));
  });

  it('a restart after a crash mid-write cuts the torn record, so the next one starts a whole line', async () => {
    const directory = join(temp.path, 'torn');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'predictions-000001.jsonl'), `${JSON.stringify(record(0))}\n{"request_id":"r1","ti`);
    const log = new PredictionLog(directory, 1000);
    log.append(record(2));
    await log.close();
    expect(readPredictionLog(directory).map((entry) => entry.request_id)).toEqual(['r0', 'r2']);
  });

  it('a record larger than the limit gets a file of its own rather than being dropped', async () => {
    const directory = join(temp.path, 'large');
    const log = new PredictionLog(directory, 200);
    log.append(record(0));
    log.append(record(1, 'x'.repeat(500)));
    log.append(record(2));
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
