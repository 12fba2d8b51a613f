import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { freePort } from './serverProcess.ts';

/** Debian's redis-server, or why a test cannot have it (the test then says SKIP with this reason). */
export function redisMissing(): string | undefined {
  return spawnSync('sh', ['-c', 'command -v redis-server']).status === 0 ? undefined : 'redis-server is not installed (Debian package redis-server; make test installs it in CI as root)';
}

/**
 * A real redis-server on a free loopback port, its data in `directory` with the AOF on.
 * Stopped by the PID the test holds.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(readonly port: number, private readonly directory: string, private readonly appendfsync: 'always' | 'everysec') {}

  /** `appendfsync`: always (the tests: a restart keeps every acknowledged entry) or everysec (Redis's default, for the bench). */
  static async start(directory: string, options: { appendfsync?: 'always' | 'everysec' } = {}): Promise<RedisServer> {
    mkdirSync(directory, { recursive: true });
    const server = new RedisServer(await freePort(), directory, options.appendfsync ?? 'always');
    await server.run();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  private async run(): Promise<void> {
    const child = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.directory, '--appendonly', 'yes', '--appendfsync', this.appendfsync,
      '--save', '', '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'notice',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${this.output}`)), 15_000);
      const early = (code: number | null) => { clearTimeout(timer); reject(new Error(`redis-server exited with ${code}: ${this.output}`)); };
      child.once('exit', early);
      const listen = (chunk: Buffer) => {
        this.output += String(chunk);
        if (/Ready to accept connections/.test(this.output)) { clearTimeout(timer); child.removeListener('exit', early); resolve(); }
      };
      child.stdout?.on('data', listen);
      child.stderr?.on('data', listen);
    });
  }

  /** SIGTERM (Redis finishes its AOF and exits), waited for. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }

  /** Started again on the same port over the same data, after stop(). */
  async startAgain(): Promise<void> {
    this.output = '';
    await this.run();
  }
}
