/**
 * The project's entry scripts, bundled once per test run (vitest globalSetup) so that the
 * hundreds of script runs of the end-to-end tests start in a third of the time: under
 * `node --import tsx` every module passes through Node 20's off-thread loader hooks, which
 * cost a run about 0.6 s before it does anything. The bundles are the same sources, built
 * by esbuild (as tsx itself transpiles them); a module that locates files does so from the
 * repository's root (repoRoot.ts), so a bundle finds what the source finds. Worker threads
 * still load their TypeScript modules through tsx.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** Where the bundles go: a tool cache inside node_modules, so bare imports resolve as from the sources. */
export const BUNDLE_DIRECTORY = join(REPO_ROOT, 'node_modules', '.cache', 'driftwatch-script-bundles');

/** Set by the global setup to the directory holding this run's bundles; unset, scripts run through tsx. */
export const BUNDLES_VARIABLE = 'DRIFTWATCH_TEST_SCRIPT_BUNDLES';

/** Every entry script the tests may run: each stage's command lines and the API server. */
export function entryScripts(): string[] {
  const services = readdirSync(join(REPO_ROOT, 'services')).flatMap((service) => {
    const directory = join('services', service, 'src');
    return readdirSync(join(REPO_ROOT, directory)).filter((name) => /(^cli|Cli)\.ts$/.test(name) || name === 'server.ts').map((name) => join(directory, name));
  });
  return ['generator/src/cli.ts', ...services].sort();
}

/** The bundle a script was built into, by its path in the repository. */
export function bundledName(script: string): string {
  return `${script.replace(/\.ts$/, '').replaceAll('/', '__')}.mjs`;
}
