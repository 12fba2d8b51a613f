import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { type CommandSpec, runCommandLine } from '../../core/src/infrastructure/cliArgs.ts';
import { writeFileAtomic } from '../../core/src/infrastructure/atomicWrite.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { startScript, stopChild, waitForLine } from '../../core/src/infrastructure/childProcesses.ts';
import { chromiumMissing, launchChromium } from './browser.ts';

const spec: CommandSpec = {
  usage: 'node --import tsx services/api/dashboard/screenshotCli.ts [--out PNG] [--width PX]',
  summary: 'Start the API on a free loopback port over shared/ (the DRIFTWATCH_* variables as for make serve), open the dashboard in Debian\'s chromium and write a full-page screenshot, then stop the API. make dashboard-shot.',
  options: {
    out: { type: 'string', description: 'PNG to write', default: `${DEFAULT_PATHS.reports}/dashboard.png` },
    width: { type: 'string', description: 'viewport width in CSS pixels', default: '1280' },
  },
  exitCodes: { 0: 'screenshot written', 2: 'bad flags, no chromium, or the API did not start' },
};

await runCommandLine('dashboard-shot', spec, async ({ values }) => {
  const missing = chromiumMissing();
  if (missing !== null) throw new UserError(missing);
  const width = Number(values.width);
  if (!Number.isInteger(width) || width < 320 || width > 3840) throw new UserError(`--width: must be a whole number of pixels from 320 to 3840, got "${String(values.width)}"`);
  const out = resolve(String(values.out));
  // The API as its own process; it stops itself if this command dies first (stopWithParent).
  const server = startScript('api', 'services/api/src/server.ts', [], { PORT: '0', HOST: '127.0.0.1' }, () => {});
  try {
    let port: string;
    try {
      port = await waitForLine(server, /listening on http:\/\/127\.0\.0\.1:(\d+)/, 30_000);
    } catch (error) {
      throw new UserError(`the API did not start: ${(error as Error).message}`);
    }
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
      const png = await page.screenshot({ fullPage: true });
      mkdirSync(dirname(out), { recursive: true });
      // Replaced whole: a reader never sees half a picture, and a failed run leaves the old one.
      writeFileAtomic(out, png);
    } finally {
      await browser.close();
    }
    process.stderr.write(`dashboard-shot: ${out}\n`);
  } finally {
    // Stopped by the PID this command holds, and waited for: the command ends after its server.
    await stopChild(server, 10_000);
  }
});
