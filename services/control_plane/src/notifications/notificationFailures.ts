import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import type { NotificationEvent, NotificationFormat } from '../../../core/src/domain/vocabularies.ts';
import { compileContractSchema } from '../../../core/src/domain/vocabularySchema.ts';
import { appendLinesDurably } from '../../../core/src/infrastructure/appendOnlyLines.ts';
import { assertOwnOutput } from '../../../core/src/infrastructure/jsonSchema.ts';
import failureSchema from '../../schema/notification-failure.schema.json' with { type: 'json' };

/** One line of notifications_failed.jsonl (schema/notification-failure.schema.json). */
export interface NotificationFailure {
  time: string;
  run_id: string;
  window_id: string | null;
  target: string;
  event: NotificationEvent;
  format: NotificationFormat;
  delivery_id: string;
  attempts: number;
  last_error: string;
  body: string;
}

export const validateNotificationFailure = compileContractSchema<NotificationFailure>(failureSchema);

/** The one file notifications write, beside the decisions they were about. */
export function notificationsFailedPath(eventsDirectory: string): string {
  return join(eventsDirectory, 'notifications_failed.jsonl');
}

/** Whether the file ends mid-line (an append cut short by a crash). */
function endsInTornLine(path: string): boolean {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'r');
  } catch {
    return false;
  }
  try {
    const { size } = fstatSync(descriptor);
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    readSync(descriptor, last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    closeSync(descriptor);
  }
}

/**
 * Appended with no lock, since the CLI, the watcher and the API may each write one: a torn
 * tail is fenced off by a newline rather than cut, because what looks torn may be another
 * process's append in flight (at worst the fence leaves an empty line, which readers skip).
 */
export function recordNotificationFailure(eventsDirectory: string, failure: NotificationFailure): string {
  assertOwnOutput(validateNotificationFailure, failure, 'notification failure line');
  const path = notificationsFailedPath(eventsDirectory);
  appendLinesDurably(path, [...(endsInTornLine(path) ? [''] : []), JSON.stringify(failure)]);
  return path;
}
