import { describe, expect, it } from 'vitest';
import { signatureHeader, verifySignature } from './webhookSignature.ts';

const SECRET = 'whsec-test';
const BODY = '{"event":"promoted","run_id":"r1"}';
const T = 1_795_000_000;

describe('the X-DriftWatch-Signature header', () => {
  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    // Computed independently: printf '%s' '1795000000.{"event":"promoted","run_id":"r1"}' | openssl dgst -sha256 -hmac whsec-test
    expect(signatureHeader(BODY, SECRET, T)).toBe('t=1795000000,v1=884a44a2fe3b84057669c8d4786d00e573b0bab92d5fed38597eed3a02e9fa86');
  });

  it('verifies for the same body and secret within the tolerance, also a little in the future (clocks differ)', () => {
    const header = signatureHeader(BODY, SECRET, T);
    expect(verifySignature(BODY, header, SECRET, T)).toEqual({ valid: true });
    expect(verifySignature(BODY, header, SECRET, T + 300)).toEqual({ valid: true });
    expect(verifySignature(BODY, header, SECRET, T - 60)).toEqual({ valid: true });
  });

  it('refuses a tampered body', () => {
    const check = verifySignature(BODY.replace('promoted', 'rolled_back'), signatureHeader(BODY, SECRET, T), SECRET, T);
    expect(check).toMatchObject({ valid: false, reason: expect.stringMatching(/does not match/) });
  });

  it('refuses a request replayed after the tolerance', () => {
    expect(verifySignature(BODY, signatureHeader(BODY, SECRET, T), SECRET, T + 301)).toMatchObject({ valid: false, reason: expect.stringMatching(/more than 300 s from now/) });
    expect(verifySignature(BODY, signatureHeader(BODY, SECRET, T), SECRET, T + 3_600, 7_200)).toEqual({ valid: true });
  });

  it('refuses a replay given a fresh timestamp: the timestamp is signed', () => {
    const old = signatureHeader(BODY, SECRET, T);
    const refreshed = old.replace(`t=${T}`, `t=${T + 1000}`);
    expect(verifySignature(BODY, refreshed, SECRET, T + 1000)).toMatchObject({ valid: false, reason: expect.stringMatching(/does not match/) });
  });

  it('refuses another key, a missing or malformed header, and a signature that is not 64 hex digits', () => {
    const header = signatureHeader(BODY, SECRET, T);
    expect(verifySignature(BODY, header, 'another-secret', T).valid).toBe(false);
    expect(verifySignature(BODY, undefined, SECRET, T)).toMatchObject({ valid: false, reason: expect.stringMatching(/no X-DriftWatch-Signature/) });
    expect(verifySignature(BODY, `v1=${header.split('v1=')[1]}`, SECRET, T)).toMatchObject({ valid: false, reason: expect.stringMatching(/t=/) });
    expect(verifySignature(BODY, `t=${T}`, SECRET, T)).toMatchObject({ valid: false, reason: expect.stringMatching(/no v1=/) });
    expect(verifySignature(BODY, `t=${T},v1=abc`, SECRET, T).valid).toBe(false);
    expect(verifySignature(BODY, `t=${T},t=${T},${header.split(',')[1]}`, SECRET, T).valid).toBe(false);
  });

  it('accepts any of several v1 values, as a sender rotating its key signs with both', () => {
    const current = signatureHeader(BODY, SECRET, T).split(',')[1];
    const previous = signatureHeader(BODY, 'old-secret', T).split(',')[1];
    expect(verifySignature(BODY, `t=${T},${previous},${current}`, SECRET, T)).toEqual({ valid: true });
  });
});
