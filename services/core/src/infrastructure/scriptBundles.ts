import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPOSITORY_ROOT, repositoryPath } from './repoRoot.ts';

/**
 * The entry scripts compiled to JavaScript bundles (buildScripts.ts): the Makefile runs
 * its batch stages from them, and the tests their hundreds of script runs. Under
 * `node --import tsx` every module passes through Node 20's off-thread loader hooks,
 * which cost a run 0.3-0.6 s before it does anything, a quarter of the monitor's time on
 * 200k rows. The bundles are the same sources, built by esbuild as tsx itself transpiles
 * them; a module that locates files does so from the repository's root (repoRoot.ts), so
 * a bundle finds what the source finds. tsx stays the runner of `npm run` and of the
 * sources during development.
 */

/**
 * Where `make` builds them: a tool cache inside node_modules, so bare imports resolve as
 * from the sources, and npm ci clears it. Each build has a directory of its own under
 * builds/; `current` links to the latest (buildScripts.ts).
 */
export const SCRIPT_BUNDLE_DIRECTORY = repositoryPath('node_modules', '.cache', 'driftwatch-scripts');
export const CURRENT_SCRIPT_BUILD = join(SCRIPT_BUNDLE_DIRECTORY, 'current');
/** In a build: the files it was made from (one per line, from the repository's root), and the mark written last. */
export const BUILD_INPUTS = 'inputs.txt';
export const BUILD_DONE = '.built';

/** Worker thread bodies, bundled beside the scripts so that a compiled script starts compiled workers (typeScriptWorker.ts); tests/architecture holds this list to every body a module starts. */
const WORKER_BODIES = ['services/core/src/infrastructure/csv/csvReadWorker.ts', 'services/api/src/controlWorker.ts'];

/** Every entry script: each stage's command lines, the API server, and the worker bodies they start. */
export function entryScripts(): string[] {
  const services = readdirSync(repositoryPath('services')).flatMap((service) => {
    const directory = join('services', service, 'src');
    if (!existsSync(repositoryPath(directory))) return [];
    return readdirSync(repositoryPath(directory)).filter((name) => /(^cli|Cli)\.ts$/.test(name) || name === 'server.ts').map((name) => join(directory, name));
  });
  return ['generator/src/cli.ts', ...services, ...WORKER_BODIES].sort();
}

/** The bundle a script is built into, by its path in the repository. */
export function bundledName(script: string): string {
  return `${script.replace(/\.ts$/, '').replaceAll('/', '__')}.mjs`;
}

/** The directory of the bundle this code runs from; undefined when it runs from the sources. */
function bundleDirectory(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  return here.endsWith('.ts') ? undefined : dirname(here);
}

/** Where a build writes its precompiled schema validators, inside the bundle (precompiledValidators.ts). */
export const VALIDATORS_DIRECTORY_NAME = 'validators';

export function precompiledValidatorDirectory(): string | undefined {
  const directory = bundleDirectory();
  return directory === undefined ? undefined : join(directory, VALIDATORS_DIRECTORY_NAME);
}

/**
 * The compiled twin of a TypeScript module when this code itself runs from a bundle
 * (its own file is then a .mjs beside the twin); undefined when it runs from the sources.
 */
export function compiledTwin(moduleUrl: URL): string | undefined {
  const directory = bundleDirectory();
  if (directory === undefined) return undefined;
  const twin = join(directory, bundledName(relative(REPOSITORY_ROOT, fileURLToPath(moduleUrl))));
  return existsSync(twin) ? twin : undefined;
}
