import { describe, expect, it } from 'vitest';
import { csvField, parseCsv, toCsv } from './csv.ts';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF or LF', () => {
    expect(parseCsv('\uFEFFid,name\r\n1,"Milk, 1 l"\n2,"say ""hi""\nthere"\n')).toEqual([
      ['id', 'name'],
      ['1', 'Milk, 1 l'],
      ['2', 'say "hi"\nthere'],
    ]);
  });

  it('keeps empty fields and a last line without newline', () => {
    expect(parseCsv('a,,c\n,,')).toEqual([
      ['a', '', 'c'],
      ['', '', ''],
    ]);
  });
});

describe('toCsv', () => {
  it('round-trips through parseCsv', () => {
    const rows = [
      ['label', 'count'],
      ['Oat "barista", 1 l', 3],
    ];
    expect(parseCsv(toCsv(rows))).toEqual([
      ['label', 'count'],
      ['Oat "barista", 1 l', '3'],
    ]);
  });

  it('defuses spreadsheet formulas in text but not in numbers', () => {
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-3)).toBe('-3');
  });
});
