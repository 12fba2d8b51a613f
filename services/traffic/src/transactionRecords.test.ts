import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../core/src/infrastructure/csv/csvTable.ts';
import type { WatchableSpec } from '../../watcher/src/index.ts';
import { transactionRecords } from './transactionRecords.ts';

const SPEC = {
  name: 'toy', id: 'id', time: 'at', target: { column: 'y', positive: 1, negative: 0 }, missing: 'impute',
  features: { amount: { type: 'numerical' }, hour: { type: 'integer' }, shop: { type: 'categorical' } },
} as unknown as WatchableSpec;

describe('a day\'s rows as /predict bodies', () => {
  it('keeps numbers as numbers and categories (even numeric codes) as text, the id and the time along; a missing value is null', () => {
    const table = parseCsvText('id,at,amount,hour,shop\na1,2026-09-01T00:00:01Z,12.5,3,07\na2,2026-09-01T00:00:02Z,,4,\n', 'day.csv', { textColumns: ['id', 'at', 'shop'] });
    expect(transactionRecords(table, SPEC)).toEqual([
      { id: 'a1', at: '2026-09-01T00:00:01Z', amount: 12.5, hour: 3, shop: '07' },
      { id: 'a2', at: '2026-09-01T00:00:02Z', amount: null, hour: 4, shop: null },
    ]);
  });

  it('a row the watcher would set aside is refused naming the file, the line and the column; the other rows of a numeric column stay numbers', () => {
    const header = 'id,at,amount,hour,shop\n';
    const text = parseCsvText(`${header}a1,2026-09-01T00:00:01Z,12.5,3,x\na2,2026-09-01T00:00:02Z,abc,4,y\n`, 'day.csv', { textColumns: ['id', 'at', 'shop'] });
    expect(() => transactionRecords(text, SPEC)).toThrow(/^day\.csv: line 3: column "amount": /);
    const time = parseCsvText(`${header}a1,not-a-time,12.5,3,x\n`, 'day.csv', { textColumns: ['id', 'at', 'shop'] });
    expect(() => transactionRecords(time, SPEC)).toThrow('day.csv: line 2: column "at": "not-a-time" is not an ISO 8601 UTC time');
    const fraction = parseCsvText(`${header}a1,2026-09-01T00:00:01Z,12.5,3.5,x\n`, 'day.csv', { textColumns: ['id', 'at', 'shop'] });
    expect(() => transactionRecords(fraction, SPEC)).toThrow(/^day\.csv: line 2: column "hour": /);
  });

  it('a column the spec names but the day lacks is an error naming the file and the column', () => {
    const table = parseCsvText('id,at,amount,hour\na1,2026-09-01T00:00:01Z,1,2\n', 'day.csv', { textColumns: ['id', 'at'] });
    expect(() => transactionRecords(table, SPEC)).toThrow('day.csv: no column "shop" (the dataset spec toy names it)');
  });
});
