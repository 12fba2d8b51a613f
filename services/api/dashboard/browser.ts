import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** Debian's chromium, never a browser download (the machine may have no internet). */
export const CHROMIUM_PATH = process.env.DRIFTWATCH_CHROMIUM ?? '/usr/bin/chromium';

/** Why the browser cannot be had here, or null when it can. */
export function chromiumMissing(): string | null {
  return existsSync(CHROMIUM_PATH) ? null : `${CHROMIUM_PATH} not found (install Debian's chromium: apt-get install chromium; make test does it in CI as root)`;
}

/**
 * Headless chromium through playwright-core. --no-sandbox: CI runs as root, where
 * chromium refuses its sandbox; the pages it opens are our own, on loopback.
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}
