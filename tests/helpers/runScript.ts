import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { bundledName } from '../../services/core/src/infrastructure/scriptBundles.ts';
import { BUNDLES_VARIABLE } from './scriptBundles.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../..');

export interface ScriptResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Node's arguments to run one of the project's entry scripts: its bundle when this test
 * run built one (tests/helpers/scriptBundles.ts), else the source through tsx.
 */
export function scriptArguments(script: string): string[] {
  const bundles = process.env[BUNDLES_VARIABLE];
  const relative = relativeScript(script);
  if (bundles !== undefined && bundles !== '') {
    const bundle = join(bundles, bundledName(relative));
    if (existsSync(bundle)) return [bundle];
  }
  return ['--import', 'tsx', resolve(REPO_ROOT, relative)];
}

function relativeScript(script: string): string {
  return isAbsolute(script) ? relative(REPO_ROOT, script) : script;
}

/** Run one of the project's real entry points (as `npm run` does, without npm's start-up). */
export function runScript(script: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): ScriptResult {
  const result = spawnSync(process.execPath, [...scriptArguments(script), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** runScript without blocking the event loop, for tests that serve requests meanwhile. */
export function runScriptAsync(script: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<ScriptResult> {
  const child = spawn(process.execPath, [...scriptArguments(script), ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
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
