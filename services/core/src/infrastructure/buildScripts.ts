import { mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writePrecompiledValidators } from './precompiledValidators.ts';
import { BUILD_DONE, BUILD_INPUTS, bundledName, entryScripts, SCRIPT_BUNDLE_DIRECTORY, VALIDATORS_DIRECTORY_NAME } from './scriptBundles.ts';
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
  const entries = entryScripts();
  const built = await build({
    metafile: true,
    absWorkingDir: REPOSITORY_ROOT,
    entryPoints: Object.fromEntries(entries.map((script) => [bundledName(script).replace(/\.mjs$/, ''), script])),
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
  const inputs = Object.keys(built.metafile.inputs).filter((input) => !input.startsWith('node_modules/'));
  await writePrecompiledValidators(join(directory, VALIDATORS_DIRECTORY_NAME), inputs.filter((input) => /^(services|generator)\/.*\.ts$/.test(input) && !entries.includes(input)));
  // What the build was made from, for make to rebuild when any of it changes (its schemas and the dashboard's modules included).
  writeFileSync(join(directory, BUILD_INPUTS), `${inputs.join('\n')}\n`);
  writeFileSync(join(directory, BUILD_DONE), '');
}

/** Builds kept besides the current one, for stages still running from them. */
const BUILDS_KEPT = 3;

/**
 * Builds into a directory of its own and points `current` at it with one rename of a
 * symbolic link. Node resolves a script's real path, so a stage started before the swap
 * loads its later chunks, workers and validators from its own build, which is kept (with
 * a few before it) for as long as such a stage may run; a stage started after runs the
 * new one. Two builds at once each complete; the last to swap is current.
 */
export async function rebuildScriptBundles(root = SCRIPT_BUNDLE_DIRECTORY): Promise<string> {
  const builds = join(root, 'builds');
  const id = `${Date.now()}-${process.pid}`;
  const directory = join(builds, id);
  mkdirSync(directory, { recursive: true });
  try {
    await buildScriptBundles(directory);
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  const current = join(root, 'current');
  const link = `${current}.${process.pid}`;
  rmSync(link, { force: true });
  symlinkSync(join('builds', id), link);
  renameSync(link, current);
  const older = readdirSync(builds).filter((name) => name !== id).sort((a, b) => Number(b.split('-')[0]) - Number(a.split('-')[0]));
  for (const name of older.slice(BUILDS_KEPT)) rmSync(join(builds, name), { recursive: true, force: true });
  return directory;
}

// `make scripts-build` (every target that runs a stage depends on it): run as a script, not when imported.
if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  process.stderr.write(`scripts-build: ${await rebuildScriptBundles()}\n`);
}
