import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundledName, CURRENT_SCRIPT_BUILD } from '../services/core/src/infrastructure/scriptBundles.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '..');

export interface Measurement {
  seconds: number;
  maxRssMb: number | undefined;
  stderr: string;
  stdout: string;
}

/**
 * How a script is started: as `make` runs it, compiled (make scripts-build, which make
 * bench runs first), or from its source through tsx, as `npm run` does.
 */
export function scriptCommand(script: string, runner: 'compiled' | 'tsx' = 'compiled'): string[] {
  if (runner === 'tsx') return [process.execPath, '--import', 'tsx', resolve(REPO_ROOT, script)];
  const compiled = join(CURRENT_SCRIPT_BUILD, bundledName(script));
  if (!existsSync(compiled)) throw new Error(`${compiled} is missing: run make scripts-build (make bench does)`);
  return [process.execPath, compiled];
}

/**
 * Whole-process wall time and peak memory of one of our scripts, through GNU time when
 * the machine has it (peak RSS), else wall time only.
 */
export function measureScript(script: string, args: string[], runner: 'compiled' | 'tsx' = 'compiled'): Measurement {
  const haveGnuTime = spawnSync('/usr/bin/time', ['--version'], { encoding: 'utf8' }).status === 0;
  const command = [...scriptCommand(script, runner), ...args];
  const started = performance.now();
  const result = haveGnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB=%M', ...command], { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 })
    : spawnSync(command[0]!, command.slice(1), { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`${script} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
  const rss = /MAXRSS_KB=(\d+)/.exec(result.stderr);
  return { seconds, maxRssMb: rss ? Number(rss[1]) / 1024 : undefined, stderr: result.stderr, stdout: result.stdout };
}

export function report(label: string, figure: string, target?: string): void {
  process.stdout.write(`${label.padEnd(58)} ${figure.padEnd(28)}${target ? ` target ${target}` : ''}\n`);
}
