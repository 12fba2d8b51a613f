import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { buildDashboard } from '../../services/api/dashboard/build.ts';
import { BUNDLE_DIRECTORY, BUNDLES_VARIABLE, bundledName, entryScripts } from './scriptBundles.ts';

/** Builds this run's bundles of the entry scripts, and tells the test workers where they are; and the dashboard's script. */
export default async function bundleScripts(): Promise<void> {
  const directory = join(BUNDLE_DIRECTORY, String(process.pid));
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  await build({
    absWorkingDir: resolve(import.meta.dirname, '../..'),
    entryPoints: Object.fromEntries(entryScripts().map((script) => [bundledName(script).replace(/\.mjs$/, ''), script])),
    outdir: directory,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // The packages too: a script then loads a few chunks instead of resolving hundreds of files
    // (ajv, express, faker...), which cut the suite's time by a fifth. The browser driver and the
    // build tools stay outside; require() is given back to the CommonJS packages bundled in.
    external: ['playwright-core', 'esbuild', 'tsx'],
    banner: { js: "import { createRequire as __driftwatchRequire } from 'node:module'; const require = __driftwatchRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  process.env[BUNDLES_VARIABLE] = directory;
  // The page's script as `make dashboard-build` writes it: the servers the tests start serve it.
  await buildDashboard();
}

export function teardown(): void {
  const directory = process.env[BUNDLES_VARIABLE];
  if (directory) rmSync(directory, { recursive: true, force: true });
}
