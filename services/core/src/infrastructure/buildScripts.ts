import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writePrecompiledValidators } from './precompiledValidators.ts';
import { bundledName, entryScripts, SCRIPT_BUNDLE_DIRECTORY, VALIDATORS_DIRECTORY_NAME } from './scriptBundles.ts';
import { REPOSITORY_ROOT } from './repoRoot.ts';

/**
 * Compiles every entry script (scriptBundles.ts) into ESM bundles in `directory`, with
 * esbuild (a development dependency, as for the dashboard's page). Shared code goes into
 * chunks, so a script loads a few files instead of resolving hundreds (ajv, express,
 * faker...). The browser driver and the build tools stay outside; require() is given back
 * to the CommonJS packages bundled in. The schema validators the bundled modules declare
 * are compiled ahead, beside them (precompiledValidators.ts).
 */
export async function buildScriptBundles(directory: string): Promise<void> {
  const { build } = await import('esbuild');
  const built = await build({
    metafile: true,
    absWorkingDir: REPOSITORY_ROOT,
    entryPoints: Object.fromEntries(entryScripts().map((script) => [bundledName(script).replace(/\.mjs$/, ''), script])),
    outdir: directory,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: ['playwright-core', 'esbuild', 'tsx'],
    banner: { js: "import { createRequire as __driftwatchRequire } from 'node:module'; const require = __driftwatchRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  const modules = Object.keys(built.metafile.inputs).filter((input) => /^(services|generator)\/.*\.ts$/.test(input));
  await writePrecompiledValidators(join(directory, VALIDATORS_DIRECTORY_NAME), modules);
}

/**
 * Builds into a fresh directory beside the target and renames it into place, so a script
 * started meanwhile runs the whole previous build or the whole new one.
 */
export async function rebuildScriptBundles(directory = SCRIPT_BUNDLE_DIRECTORY): Promise<void> {
  const fresh = `${directory}.building-${process.pid}`;
  const previous = `${directory}.previous-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  mkdirSync(fresh, { recursive: true });
  try {
    await buildScriptBundles(fresh);
  } catch (error) {
    rmSync(fresh, { recursive: true, force: true });
    throw error;
  }
  rmSync(previous, { recursive: true, force: true });
  try {
    renameSync(directory, previous);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  renameSync(fresh, directory);
  rmSync(previous, { recursive: true, force: true });
}

// `make scripts-build` (every target that runs a stage depends on it): run as a script, not when imported.
if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  await rebuildScriptBundles();
  process.stderr.write(`scripts-build: ${SCRIPT_BUNDLE_DIRECTORY}\n`);
}
