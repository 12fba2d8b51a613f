/**
 * The entry scripts are bundled once per test run (vitest globalSetup), as `make` builds
 * them (services/core/src/infrastructure/scriptBundles.ts), so that the hundreds of script
 * runs of the end-to-end tests start in a third of the time.
 */
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** Where the bundles go: a tool cache inside node_modules, so bare imports resolve as from the sources. */
export const BUNDLE_DIRECTORY = join(REPO_ROOT, 'node_modules', '.cache', 'driftwatch-script-bundles');

/** Set by the global setup to the directory holding this run's bundles; unset, scripts run through tsx. */
export const BUNDLES_VARIABLE = 'DRIFTWATCH_TEST_SCRIPT_BUNDLES';
