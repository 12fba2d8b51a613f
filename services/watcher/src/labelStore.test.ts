import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDatasetSpec } from '../../core/src/domain/datasetSpec.ts';
import { LabelDirectory, readArrivedLabels } from './labelStore.ts';

const fraud = loadDatasetSpec('fraud');
const HEADER = 'transaction_id,is_fraud,label_time';

let root: string;
let labelsDirectory: string;
let quarantine: string;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'driftwatch-labels-'));
  labelsDirectory = join(root, 'labels');
  quarantine = join(root, 'quarantine');
  mkdirSync(labelsDirectory);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function drop(name: string, lines: string[]): void {
  writeFileSync(join(labelsDirectory, name), `${lines.join('\n')}\n`);
}

describe('a labels directory read at every poll', () => {
  it('parses a file only when it is new or changed: a poll costs the labels that came since', () => {
    const directory = new LabelDirectory(labelsDirectory, fraud, quarantine);
    drop('labels-2026-09-02.csv', [HEADER, 'tx-1,1,2026-09-02T08:00:00Z']);
    expect(directory.readNew().labels.map((label) => label.id)).toEqual(['tx-1']);
    expect(directory.readNew().labels).toEqual([]);
    drop('labels-2026-09-03.csv', [HEADER, 'tx-2,0,2026-09-03T08:00:00Z']);
    expect(directory.readNew().labels.map((label) => label.id)).toEqual(['tx-2']);
    // Written again with more in it: read again, whole.
    drop('labels-2026-09-02.csv', [HEADER, 'tx-1,1,2026-09-02T08:00:00Z', 'tx-3,1,2026-09-02T09:00:00Z']);
    expect(directory.readNew().labels.map((label) => label.id)).toEqual(['tx-1', 'tx-3']);
  });
});

describe('a large label file', () => {
  it('200,000 labels in one file are read (not spread as arguments, which overflows the stack)', () => {
    drop('labels-2026-09-02.csv', [HEADER, ...Array.from({ length: 200_000 }, (_, index) => `tx-${index},${index % 2},2026-09-02T08:00:00Z`)]);
    expect(new LabelDirectory(labelsDirectory, fraud, quarantine).readNew().labels).toHaveLength(200_000);
  });
});

describe('arrived labels', () => {
  it('reads every label file, the label as 0/1 whatever its spelling', () => {
    drop('labels-2026-09-02.csv', [HEADER, 'tx-1,1,2026-09-02T08:00:00Z', 'tx-2,0,2026-09-02T08:00:00Z']);
    drop('labels-2026-09-03.csv', ['label_time,transaction_id,is_fraud,source', '2026-09-03T09:30:00.250Z,tx-3,1.0,chargeback']);
    const { labels, quarantined } = readArrivedLabels(labelsDirectory, fraud, quarantine);
    expect(quarantined).toEqual([]);
    expect([...labels.values()]).toEqual([
      { id: 'tx-1', label: 1, labelTime: '2026-09-02T08:00:00Z', labelMs: Date.UTC(2026, 8, 2, 8) },
      { id: 'tx-2', label: 0, labelTime: '2026-09-02T08:00:00Z', labelMs: Date.UTC(2026, 8, 2, 8) },
      { id: 'tx-3', label: 1, labelTime: '2026-09-03T09:30:00.250Z', labelMs: Date.UTC(2026, 8, 3, 9, 30, 0, 250) },
    ]);
  });

  it('keeps the earliest arrival of a transaction seen twice, whichever file it is in', () => {
    drop('a-late-feed.csv', [HEADER, 'tx-1,1,2026-09-05T00:00:00Z', 'tx-2,1,2026-09-02T12:00:00Z']);
    drop('b-early-feed.csv', [HEADER, 'tx-1,1,2026-09-03T00:00:00', 'tx-2,1,2026-09-04T00:00:00Z']);
    const { labels } = readArrivedLabels(labelsDirectory, fraud, quarantine);
    expect(labels.get('tx-1')?.labelTime).toBe('2026-09-03T00:00:00');
    expect(labels.get('tx-2')?.labelTime).toBe('2026-09-02T12:00:00Z');
  });

  it('quarantines a file with a label value the spec does not declare, and reads the others', () => {
    drop('labels-1.csv', [HEADER, 'tx-1,1,2026-09-02T08:00:00Z']);
    drop('labels-2.csv', [HEADER, 'tx-2,0,2026-09-02T08:00:00Z', 'tx-3,yes,2026-09-02T08:00:00Z']);
    const { labels, quarantined } = readArrivedLabels(labelsDirectory, fraud, quarantine);
    expect([...labels.keys()]).toEqual(['tx-1']);
    expect(quarantined).toEqual([{ file: 'labels-2.csv', reason: 'labels-2.csv: line 3: column "is_fraud": "yes" is not a label of dataset "fraud" (1 (positive) or 0 (negative))' }]);
    expect(readdirSync(labelsDirectory)).toEqual(['labels-1.csv']);
    expect(readFileSync(join(quarantine, 'labels-2.csv.reason.txt'), 'utf8')).toBe(`${quarantined[0]?.reason}\n`);
  });

  it.each([
    ['no label_time column', ['transaction_id,is_fraud', 'tx-1,1'], /^labels\.csv: line 1: missing column "label_time"/],
    ['a label_time that is not ISO 8601 UTC', [HEADER, 'tx-1,1,2026-09-02 08:00'], /^labels\.csv: line 2: column "label_time": "2026-09-02 08:00" is not an ISO 8601 UTC time/],
    ['an empty label', [HEADER, 'tx-1,,2026-09-02T08:00:00Z'], /^labels\.csv: line 2: column "is_fraud": "" is not a label/],
  ])('quarantines a label file with %s', (_case, lines, reason) => {
    drop('labels.csv', lines);
    const { labels, quarantined } = readArrivedLabels(labelsDirectory, fraud, quarantine);
    expect(labels.size).toBe(0);
    expect(quarantined[0]?.reason).toMatch(reason);
    expect(existsSync(join(quarantine, 'labels.csv'))).toBe(true);
  });

  it('has no labels yet when the directory does not exist', () => {
    expect(readArrivedLabels(join(root, 'not-yet'), fraud, quarantine)).toEqual({ labels: new Map(), quarantined: [] });
  });
});

