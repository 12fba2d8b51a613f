import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildDashboard } from '../../services/api/dashboard/build.ts';
import { buildScriptBundles } from '../../services/core/src/infrastructure/buildScripts.ts';
import { BUNDLE_DIRECTORY, BUNDLES_VARIABLE } from './scriptBundles.ts';

/** Builds this run's bundles of the entry scripts, and tells the test workers where they are; and the dashboard's script. */
export default async function bundleScripts(): Promise<void> {
  const directory = join(BUNDLE_DIRECTORY, String(process.pid));
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  await buildScriptBundles(directory);
  process.env[BUNDLES_VARIABLE] = directory;
  // The page's script as `make dashboard-build` writes it: the servers the tests start serve it.
  await buildDashboard();
}

export function teardown(): void {
  const directory = process.env[BUNDLES_VARIABLE];
  if (directory) rmSync(directory, { recursive: true, force: true });
}
