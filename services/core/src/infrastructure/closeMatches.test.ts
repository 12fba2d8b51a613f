import { describe, expect, it } from 'vitest';
import { closeMatches, editDistance } from './closeMatches.ts';

describe('close matches for a misspelled name', () => {
  it('counts edits as Levenshtein does', () => {
    expect(editDistance('transaction_amout', 'transaction_amount')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });
  it('a dropped letter finds the column; an unrelated name finds nothing', () => {
    const columns = ['transaction_amount', 'transaction_hour', 'customer_age'];
    expect(closeMatches('transaction_amout', columns)).toEqual(['transaction_amount']);
    expect(closeMatches('zzz', columns)).toEqual([]);
  });
  it('a part of a name, or another case, is close too', () => {
    expect(closeMatches('amount', ['transaction_amount', 'channel'])).toEqual(['transaction_amount']);
    expect(closeMatches('Channel', ['transaction_amount', 'channel'])).toEqual(['channel']);
  });
});
