import { DASHBOARD_BUNDLE, DASHBOARD_ENTRY } from './dashboardFiles.ts';

/**
 * Bundles the page's TypeScript into one browser script with esbuild (a development
 * dependency, already what the tests bundle with): no framework, no runtime library.
 * Deterministic: the same sources give the same bytes.
 */
export async function buildDashboard(outfile = DASHBOARD_BUNDLE): Promise<void> {
  const { build } = await import('esbuild');
  await build({
    entryPoints: [DASHBOARD_ENTRY],
    outfile,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020', 'chrome100', 'firefox100', 'safari15'],
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'warning',
  });
}

// `make dashboard-build`: run as a script (not when imported by the tests' setup).
if (process.argv[1] !== undefined && import.meta.filename === process.argv[1]) {
  await buildDashboard();
  process.stderr.write(`dashboard-build: ${DASHBOARD_BUNDLE}\n`);
}
