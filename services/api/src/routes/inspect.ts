import { randomUUID } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { Router } from 'express';
import { readCsvHeader } from '../../../core/src/infrastructure/csv/csvFile.ts';
import { readCsvTableHere } from '../../../core/src/infrastructure/csv/parallelCsvRead.ts';
import { monitorPolicy, monitorReadPlan, monitorTables } from '../../../monitoring/src/index.ts';
import { HttpError, isPlainObject } from '../httpErrors.ts';
import type { ApiContext } from './apiContext.ts';

/** Whether `path` is `root` or below it (both absolute). */
function isWithin(root: string, path: string): boolean {
  const inside = relative(root, path);
  return inside === '' || (inside !== '..' && !inside.startsWith(`..${sep}`) && !isAbsolute(inside));
}

/**
 * A path from a request, resolved inside the data directory or refused (no traversal, no
 * symlink escape). Every path outside gets the same 400 whether or not it exists, so the
 * answer tells nobody which files exist out there: first by the path as written, then by
 * its real path, or for a missing file by the real path of its nearest existing ancestor
 * (a symlinked folder leading out). Only a missing file inside the directory is a 404.
 */
export function resolveInside(directory: string, requested: unknown, field: string): string {
  if (typeof requested !== 'string' || requested.length === 0) throw new HttpError(400, `${field}: must be a file name inside the data directory`);
  const outside = new HttpError(400, `${field}: must resolve inside the data directory`);
  const lexicalRoot = resolve(directory);
  const root = realpathSync(lexicalRoot);
  const candidate = resolve(lexicalRoot, requested);
  if (!isWithin(lexicalRoot, candidate) && !isWithin(root, candidate)) throw outside;
  // The nearest existing path on the way up: the file itself, or the folder a missing file would be in.
  let existing = candidate;
  let real: string;
  for (;;) {
    try {
      real = realpathSync(existing);
      break;
    } catch {
      existing = dirname(existing); // ends at the data directory or at '/', which exist
    }
  }
  if (!isWithin(root, real)) throw outside;
  if (existing !== candidate) throw new HttpError(404, `${field}: no such file in the data directory: ${requested}`);
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
