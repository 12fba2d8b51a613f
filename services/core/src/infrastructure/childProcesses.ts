import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { repositoryPath } from './repoRoot.ts';
import { STOP_WITH_PARENT_VARIABLE } from './stopWithParent.ts';

/** A DriftWatch script started as its own process, its stderr passed on line by line. */
export interface StartedChild {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
}

/**
 * `node --import tsx <script>` from the repository, as `make` runs the stages: the demo runs
 * the real pieces, each its own process. Its stderr lines go to ours as they come. It holds
 * our end of its stdin: if we die, even by SIGKILL, the pipe closes and it stops itself
 * (stopWithParent), so nothing is left running.
 */
export function startScript(name: string, script: string, args: readonly string[], env: NodeJS.ProcessEnv, passLine: (line: string) => void): StartedChild {
  const child = spawn(process.execPath, ['--import', 'tsx', repositoryPath(script), ...args], {
    cwd: repositoryPath('.'), env: { ...process.env, ...env, [STOP_WITH_PARENT_VARIABLE]: '1' }, stdio: ['pipe', 'ignore', 'pipe'],
  });
  let text = '';
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    text += String(chunk);
    const lines = (partial + String(chunk)).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) passLine(line);
  });
  const exited = once(child, 'exit').then(([code, signal]) => {
    if (partial !== '') passLine(partial);
    return (code as number | null) ?? String(signal);
  });
  return { name, child, exited, stderr: () => text };
}

/** Waits until the child's stderr matches `pattern` (its first group), or it ends, or the time is up. */
export async function waitForLine(started: StartedChild, pattern: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const match = pattern.exec(started.stderr());
    if (match) return match[1] ?? match[0];
    if (started.child.exitCode !== null || started.child.signalCode !== null) throw new Error(`${started.name} exited before it said it was ready: ${started.stderr().trim().split('\n').slice(-3).join(' | ')}`);
    if (Date.now() > deadline) throw new Error(`${started.name} was not ready within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Whether it has ended (by its own exit or a signal). */
export function hasEnded(started: StartedChild): boolean {
  return started.child.exitCode !== null || started.child.signalCode !== null;
}

/** SIGTERM by the PID we hold, then SIGKILL if it has not ended within `graceMs`; resolves when it has ended. */
export async function stopChild(started: StartedChild, graceMs = 15_000): Promise<void> {
  const { child } = started;
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await started.exited;
  clearTimeout(timer);
}
