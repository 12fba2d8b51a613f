import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { HttpError } from './httpErrors.ts';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time comparison of the presented key with the configured one (digests have equal length). */
export function apiKeyMatches(presented: string | undefined, expected: string): boolean {
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The admin endpoints' gate: the key from DRIFTWATCH_API_KEY, presented as x-api-key or
 * a bearer token. Without a configured key they are off (503), never open.
 */
export function requireApiKey(request: Request, apiKey: string | undefined): void {
  if (!apiKey) throw new HttpError(503, 'admin endpoints are disabled: set DRIFTWATCH_API_KEY');
  const header = request.get('authorization');
  const presented = request.get('x-api-key') ?? (header?.startsWith('Bearer ') ? header.slice(7) : undefined);
  if (!apiKeyMatches(presented, apiKey)) throw new HttpError(401, 'missing or wrong API key (x-api-key header, or Authorization: Bearer)');
}

/** Who a request acts as, in the audit log. */
export function requestActor(request: Request): string {
  return `api:${request.ip ?? 'unknown'}`;
}
