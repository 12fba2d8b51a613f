import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Router } from 'express';
import { readCsvHeader } from '../../../core/src/infrastructure/csv/csvFile.ts';
import { readCsvTableHere } from '../../../core/src/infrastructure/csv/parallelCsvRead.ts';
import { monitorPolicy, monitorReadPlan, monitorTables } from '../../../monitoring/src/index.ts';
import { HttpError, isPlainObject } from '../httpErrors.ts';
import type { ApiContext } from './apiContext.ts';

/** A path from a request, resolved inside the data directory or refused (no traversal, no symlink escape). */
export function resolveInside(directory: string, requested: unknown, field: string): string {
  if (typeof requested !== 'string' || requested.length === 0) throw new HttpError(400, `${field}: must be a file name inside the data directory`);
  const root = realpathSync(resolve(directory));
  const candidate = resolve(root, requested);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new HttpError(404, `${field}: no such file in the data directory: ${requested}`);
  }
  const inside = relative(root, real);
  if (inside.startsWith('..') || isAbsolute(inside) || (inside !== '' && inside.split(sep)[0] === '..')) throw new HttpError(400, `${field}: must resolve inside the data directory`);
  return real;
}

/**
 * POST /inspect {"reference": "a.csv", "current": "b.csv"}: the monitor's summary of two
 * files in the data directory, by the same pipeline as `make monitor`, written nowhere.
 */
export function inspectRoutes({ options }: ApiContext): Router {
  const router = Router();
  router.post('/inspect', async (request, response) => {
    const body = isPlainObject(request.body) ? request.body : {};
    const referencePath = resolveInside(options.dataDirectory, body.reference, 'reference');
    const currentPath = resolveInside(options.dataDirectory, body.current, 'current');
    const policy = monitorPolicy(options.policyPath);
    const plan = monitorReadPlan(readCsvHeader(referencePath), readCsvHeader(currentPath), []);
    const { summary } = await monitorTables({
      reference: readCsvTableHere({ path: referencePath, options: plan.reference, numericalToClean: 'all' }),
      current: readCsvTableHere({ path: currentPath, options: plan.current, numericalToClean: 'all' }),
      referencePath: String(body.reference),
      currentPath: String(body.current),
      plan,
      policy,
      runId: `inspect-${randomUUID().slice(0, 8)}`,
      now: new Date(),
    });
    response.json(summary);
  });
  return router;
}
