import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT, scriptArguments } from './runScript.ts';

/** One of the project's entry points running in the background, held by its PID. */
export interface BackgroundScript {
  child: ChildProcess;
  /** Everything it has written to stderr so far. */
  stderr(): string;
  /** Resolves once stderr matches; rejects if it exits first, or after `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with how it ended; rejects after `timeoutMs` (it is left running: call stop()). */
  exited(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL by its PID when still running (for a test's clean-up). */
  stop(): void;
}

/** Start a script as runScript does (node --import tsx, from the repository root), without waiting for it. */
export function startScript(script: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): BackgroundScript {
  const child = spawn(process.execPath, [...scriptArguments(script), ...args], {
    cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...options.env },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => { stderr += String(chunk); });
  let ended: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('close', (code, signal) => {
      ended = { code, signal };
      resolveExit(ended);
    });
  });
  return {
    child,
    stderr: () => stderr,
    waitForStderr(pattern, timeoutMs = 30_000) {
      return new Promise((resolveWait, reject) => {
        const started = Date.now();
        const check = () => {
          if (pattern.test(stderr)) resolveWait();
          else if (ended !== undefined) reject(new Error(`exited (${JSON.stringify(ended)}) before stderr matched ${pattern}: ${stderr}`));
          else if (Date.now() - started > timeoutMs) reject(new Error(`stderr did not match ${pattern} within ${timeoutMs} ms: ${stderr}`));
          else setTimeout(check, 20);
        };
        check();
      });
    },
    exited(timeoutMs = 30_000) {
      return new Promise((resolveExit, reject) => {
        const timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms: ${stderr}`)), timeoutMs);
        void exit.then((result) => {
          clearTimeout(timer);
          resolveExit(result);
        });
      });
    },
    stop() {
      // child.kill signals the PID this test started, and nothing once it has exited.
      if (ended === undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
