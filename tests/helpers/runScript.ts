import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface ScriptResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run one of the project's real entry points (as `npm run` does, without npm's start-up). */
export function runScript(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): ScriptResult {
  const result = spawnSync(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, script), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** runScript without blocking the event loop, for tests that serve requests meanwhile. */
export function runScriptAsync(script: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<ScriptResult> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, script), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += String(chunk); });
  child.stderr.on('data', (chunk) => { stderr += String(chunk); });
  return new Promise((resolvePromise, reject) => {
    child.once('error', reject);
    child.once('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}

export function makeTempDir(prefix: string): { path: string; cleanup: () => void } {
  const path = mkdtempSync(join(tmpdir(), `driftwatch-${prefix}-`));
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) };
}

/** A user error is one line on stderr and exit code 2. */
export function expectOneLineUserError(result: ScriptResult): string {
  const lines = result.stderr.trim().split('\n');
  if (result.status !== 2 || lines.length !== 1) {
    throw new Error(`expected one-line user error with exit 2, got status ${result.status}: ${result.stderr}`);
  }
  return lines[0] as string;
}
