import { describe, expect, it } from 'vitest';
import { parseNow } from './runContext.ts';

describe('parseNow', () => {
  it('names the flag it parses', () => {
    expect(() => parseNow('x')).toThrow('--now must be an ISO 8601 time, got "x"');
    expect(() => parseNow('x', 'at')).toThrow('--at must be an ISO 8601 time, got "x"');
    expect(parseNow('2026-01-02T03:04:05Z', 'at').toISOString()).toBe('2026-01-02T03:04:05.000Z');
  });
});
