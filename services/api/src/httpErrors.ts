import type { NextFunction, Request, Response } from 'express';
import { errorMessage, isUserError } from '../../core/src/infrastructure/errors.ts';

/** An error that already knows its status. */
export class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

const USER_ERROR_STATUS = { invalid: 400, not_found: 404, conflict: 409 } as const;

/** The one place errors become responses: the server stays up whatever the request was. */
export function errorResponder(error: unknown, _request: Request, response: Response, _next: NextFunction): void {
  const status = error instanceof HttpError ? error.status
    : isUserError(error) ? USER_ERROR_STATUS[error.problem]
    : typeof (error as { status?: unknown }).status === 'number' && (error as { status: number }).status < 500 ? (error as { status: number }).status
    : 500;
  const type = (error as { type?: string }).type;
  const message = type === 'entity.parse.failed' ? 'body: invalid JSON'
    : type === 'entity.too.large' ? 'body: larger than 1 MB'
    : status === 500 ? 'internal error' : errorMessage(error);
  if (status === 500) process.stderr.write(`api: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  response.status(status).json({ error: message });
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
