import { describe, expect, it } from 'vitest';
import { formatTable } from './report.ts';

describe('formatTable', () => {
  it('aligns columns and rounds numbers', () => {
    const out = formatTable([
      { model: 'a', acc: 0.712345 },
      { model: 'bbb', acc: 0.5 },
    ]).split('\n');
    expect(out[0]).toBe('model     acc');
    expect(out[2]).toBe('a      0.7123');
    expect(out[3]).toBe('bbb       0.5');
  });
});
