import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { parseCsvText, type CsvTable } from './csvTable.ts';
import { ColumnTable } from './columnTable.ts';
import { categoricalValues } from './dataTable.ts';

/** Every cell as text, as csv-parse (a maintained library) reads it. */
function libraryCells(text: string): string[][] {
  return parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
}

function ourCells(table: CsvTable): string[][] {
  const columns = table.header.map((name) => categoricalValues(table.categorical(name)));
  return [table.header, ...Array.from({ length: table.rowCount }, (_, row) => columns.map((values) => values[row] ?? ''))];
}

describe('CSV reader agrees with csv-parse', () => {
  const samples: Record<string, string> = {
    'quoted fields with embedded commas': 'name,note\n"Smith, J","said ""hi"""\nplain,"x,y,z"\n',
    'CRLF line endings': 'a,b\r\n1,2\r\n3,4\r\n',
    'a byte-order mark': '\uFEFFa,b\n1,2\n',
    'empty fields': 'a,b,c\n,,\n1,,3\n',
    'a quoted line break': 'a,b\n"line one\nline two",2\n',
    'no final newline': 'a,b\n1,2',
    'blank lines between records': 'a,b\n1,2\n\n3,4\n',
    'text beyond ASCII, quoted and not': 'ville,note\nZürich,"café, crème"\n東京,"😀 ""ok"""\nZürich,naïve\n',
    'a byte-order mark before text beyond ASCII': '\uFEFFnom,n\nÉlodie,1\nÉlodie,2\n',
    'numbers only, read record by record, with one the fast loop leaves to the fields': 'a,b,c\r\n1,-2.5,3\r\n4,5e1,.5\r\n-0,007,1.25\r\n4,"5",6\r\n7,8,9',
  };
  for (const [name, text] of Object.entries(samples)) {
    it(name, () => expect(ourCells(parseCsvText(text, 'sample.csv'))).toEqual(libraryCells(text)));
  }
});

describe('CSV reader typing', () => {
  it('reads a column as numbers when every non-missing value is numeric, with missing values as NaN', () => {
    const table = parseCsvText('x,y\n1.5,a\n,b\nNaN,c\n-2e3,d\ninf,e\n', 'typed.csv');
    expect(table.column('x').kind).toBe('numerical');
    expect(Array.from(table.numerical('x').values)).toEqual([1.5, Number.NaN, Number.NaN, -2000, Infinity]);
    expect(table.column('y').kind).toBe('categorical');
  });

  it('turns a column categorical at its first non-number and keeps the earlier values as written', () => {
    const table = parseCsvText('code\n007\n12\nA1\n', 'mixed.csv');
    expect(categoricalValues(table.categorical('code'))).toEqual(['007', '12', 'A1']);
  });

  it('does not read hexadecimal as a number', () => {
    expect(parseCsvText('h\n0x1A\n', 'hex.csv').column('h').kind).toBe('categorical');
  });

  it('keeps only the columns asked for', () => {
    const table = parseCsvText('a,b,c\n1,2,3\n', 'some.csv', { columns: ['c'] });
    expect(table.hasColumn('a')).toBe(false);
    expect(Array.from(table.numerical('c').values)).toEqual([3]);
    expect(() => parseCsvText('a,b\n1,2\n', 'some.csv', { columns: ['z'] })).toThrow('some.csv: missing column "z"');
  });

  it('keeps the first characters of a prefixed column, not its first bytes, beyond ASCII', () => {
    const table = parseCsvText('day,n\nÉté-01,1\nÉté-02,2\nété,3\n"Été-03",4\n', 'days.csv', { textPrefixLength: { day: 3 } });
    expect(categoricalValues(table.categorical('day'))).toEqual(['Été', 'Été', 'été', 'Été']);
  });

  it('gives each distinct cell its own code past the cache\'s size, and repeats them', () => {
    const cells = Array.from({ length: 6000 }, (_, index) => `v${index % 5000}`);
    const table = parseCsvText(`c\n${cells.join('\n')}\n`, 'many.csv', { textColumns: ['c'] });
    expect(categoricalValues(table.categorical('c'))).toEqual(cells);
    expect(table.categorical('c').categories).toHaveLength(5000);
  });

  it('re-reads earlier rows beyond ASCII when a column turns out to be text', () => {
    const table = parseCsvText('ville,x\nZürich,1\n東京,2\nZürich,trois\n', 'villes.csv');
    expect(categoricalValues(table.categorical('x'))).toEqual(['1', '2', 'trois']);
    expect(table.recordText(1)).toBe('東京,2');
  });

  it('passes a record through as written', () => {
    const table = parseCsvText('a,b\r\n1,"x,y"\r\n2,z\r\n', 'raw.csv');
    expect(table.recordText(0)).toBe('1,"x,y"');
    expect(table.recordText(1)).toBe('2,z');
  });
});

describe('CSV reader errors name the file and line', () => {
  const cases: [string, string, string][] = [
    ['empty file', '', 'bad.csv: empty file (no header row)'],
    ['header only', 'a,b\n', 'bad.csv: header only, no data rows'],
    ['a short row', 'a,b\n1,2\n3\n', 'bad.csv: line 3: expected 2 fields, found 1'],
    ['a long row', 'a,b\n1,2,3\n', 'bad.csv: line 2: expected 2 fields, found 3'],
    ['an unterminated quote', 'a,b\n1,"open\n', 'bad.csv: line 2: unterminated quoted field'],
    ['a duplicate column', 'a,a\n1,2\n', 'bad.csv: line 1: duplicate column name "a"'],
  ];
  for (const [name, text, message] of cases) {
    it(name, () => expect(() => parseCsvText(text, 'bad.csv')).toThrow(message));
  }

  it('a numeric column with text in it is refused by name', () => {
    expect(() => parseCsvText('label\n0\nyes\n', 'labels.csv').numerical('label')).toThrow('labels.csv: row 3: column "label" must be numeric, found "yes"');
  });

  it('a numeric column with text in it names the first value that is not a number and its row, for both kinds of table', () => {
    const parsed = parseCsvText('id,label\na,0\nb,\nc,NA\nd,1\ne,yes\nf,no\n', 'labels.csv');
    const columns = parsed.header.map((name) => parsed.column(name));
    const fromWorker = new ColumnTable(parsed.source, parsed.header, parsed.rowCount, columns, undefined, new Map());
    for (const table of [parsed, fromWorker]) {
      expect(() => table.numerical('label')).toThrow('labels.csv: row 6: column "label" must be numeric, found "yes"');
    }
  });
});

describe('the plain-decimal fast path reads numbers exactly as Number() does', () => {
  it('on 20,000 decimals of every shape it takes (and the ones it leaves to Number)', () => {
    let seed = 12345;
    const random = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const values: string[] = ['0', '-0', '0.0', '1.', '.5', '-.25', '007', '0.1', '0.7', '123456789012345', '1234567890123456', '9007199254740993', '1e5', '+3', ' 4', '2.50'];
    for (let index = 0; index < 20_000; index += 1) {
      const integerDigits = Math.floor(random() * 9);
      const fractionDigits = Math.floor(random() * 9);
      const integer = integerDigits === 0 ? '' : String(Math.floor(random() * 10 ** integerDigits));
      const fraction = fractionDigits === 0 ? '' : `.${String(Math.floor(random() * 10 ** fractionDigits)).padStart(fractionDigits, '0')}`;
      values.push(`${random() < 0.2 ? '-' : ''}${integer || (fraction ? '' : '0')}${fraction}`);
    }
    const table = parseCsvText(`x\n${values.join('\n')}\n`, 'numbers.csv');
    const parsed = table.numerical('x').values;
    values.forEach((text, row) => expect(Object.is(parsed[row], Number(text)), `${text}`).toBe(true));
    // Three to a record: whole records go through the scanner's record loop.
    const shifted = (by: number) => values.map((_, row) => values[(row + by) % values.length] as string);
    const [y, z] = [shifted(1), shifted(2)];
    const wide = parseCsvText(`x,y,z\n${values.map((text, row) => `${text},${y[row]},${z[row]}`).join('\n')}\n`, 'records.csv');
    for (const [name, texts] of [['x', values], ['y', y], ['z', z]] as const) {
      const column = wide.numerical(name).values;
      texts.forEach((text, row) => expect(Object.is(column[row], Number(text)), `${name} ${text}`).toBe(true));
    }
  });
});

describe('whole records of numbers (the scanner\'s record loop) around what it leaves to the field-by-field path', () => {
  const endings: Record<string, string> = { LF: '\n', CRLF: '\r\n', CR: '\r' };
  for (const [name, ending] of Object.entries(endings)) {
    it(`reads records ended by ${name}, blank lines, a quoted field and a last line without an ending, with each record's text and line`, () => {
      const records = ['1.5,-2,3', '4,5.25,-0', '', '7,"8",9', '10,11,12', '', '', '-.5,1.,0.000001', '13,14,15'];
      const table = parseCsvText(`a,b,c${ending}${records.join(ending)}`, 'records.csv');
      const kept = records.filter((record) => record !== '');
      expect(table.rowCount).toBe(kept.length);
      kept.forEach((record, row) => {
        expect(table.recordText(row)).toBe(record);
        record.replaceAll('"', '').split(',').forEach((text, index) => expect(Object.is(table.numerical(['a', 'b', 'c'][index] as string).values[row], Number(text)), `${row} ${text}`).toBe(true));
      });
      expect(() => parseCsvText(`a,b,c${ending}${records.join(ending)}${ending}1,2${ending}`, 'records.csv')).toThrow('records.csv: line 11: expected 3 fields, found 2');
      expect(() => parseCsvText(`a,b,c${ending}${records.join(ending)}${ending}1,2,3,4${ending}5,6,7${ending}`, 'records.csv')).toThrow('records.csv: line 11: expected 3 fields, found 4');
    });
  }

  it('reads a table of numbers, text, a prefixed time and a column passed over as each record alone is read field by field', () => {
    let seed = 777;
    const random = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
    const records = Array.from({ length: 2000 }, (_, row) => [
      `${row.toString(16)}-${Math.floor(random() * 1e9)}`,
      `2026-10-${String(1 + (row % 28)).padStart(2, '0')}T${String(Math.floor(random() * 24)).padStart(2, '0')}:00:00Z`,
      pick(['', '12.5', '"7.25"', '-0', String(Math.floor(random() * 1e12)), (random() * 1000).toFixed(2)]),
      pick(['a', 'café', '"b,c"', 'NA', 'x y', 'dünn']),
      String(Math.floor(random() * 1e6)),
    ].join(','));
    const header = 'id,time,amount,kind,count';
    const options = { columns: ['time', 'amount', 'kind', 'count'], textPrefixLength: { time: 13 } };
    const table = parseCsvText(`${header}\n${records.join('\n')}\n`, 'mixed.csv', options);
    expect(table.column('amount').kind).toBe('numerical');
    const cell = (from: typeof table, name: string, row: number): unknown => {
      const column = from.column(name);
      // Missing either way (a record alone whose text is a missing token reads as a number column).
      if (column.kind === 'numerical') return Number.isNaN(column.values[row]) ? null : column.values[row];
      const code = column.codes[row] as number;
      return code < 0 ? null : column.categories[code];
    };
    records.forEach((record, row) => {
      // Alone and without a line ending, a record is the file's last line: read field by field.
      const alone = parseCsvText(`${header}\n${record}`, 'one.csv', options);
      for (const name of options.columns) expect(Object.is(cell(table, name, row), cell(alone, name, 0)), `${row} ${name}: ${record}`).toBe(true);
    });
  });

  it('skips blank lines in a one-column file, where an empty field and its line ending look like a record', () => {
    for (const text of ['x\r\n1\r\n2\r\n\r\n', 'x\n1\n2\n\n\n', 'x\n1\n\n2\n', 'x\r1\r\r2\r\n']) {
      const table = parseCsvText(text, 'one.csv');
      expect([...table.numerical('x').values], JSON.stringify(text)).toEqual([1, 2]);
    }
    const text = parseCsvText('x\na\nb\n\nc\n', 'one.csv');
    expect(text.rowCount).toBe(3);
    expect(parseCsvText('x\n1\n\n2\n', 'one.csv', { columns: [] }).rowCount).toBe(2);
  });

  it('turns a column categorical after many whole records, with the earlier values as written', () => {
    const rows = Array.from({ length: 3000 }, (_, row) => `${row},${(row / 8).toFixed(3)}`);
    const table = parseCsvText(`n,v\n${rows.join('\n')}\n3000,n/a?\n3001,0.5\n`, 'turn.csv');
    const column = table.categorical('v');
    expect(table.column('v').kind).toBe('categorical');
    expect(column.categories[column.codes[8] as number]).toBe('1.000');
    expect(column.categories[column.codes[3000] as number]).toBe('n/a?');
    expect(table.numerical('n').values[3001]).toBe(3001);
  });
});

describe('CSV reader memory', () => {
  it('keeps columns no larger than their rows when quoted line breaks make the line count far larger', () => {
    const note = `"${'line\n'.repeat(500)}"`;
    const table = parseCsvText(`x,note\n${Array.from({ length: 50 }, (_, row) => `${row},${note}`).join('\n')}\n`, 'notes.csv');
    expect(table.rowCount).toBe(50);
    expect(table.numerical('x').values.buffer.byteLength).toBeLessThanOrEqual(50 * 8 * 2);
  });
});
