import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { REPO_ROOT, scriptArguments } from './runScript.ts';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Everything the server has written to stderr so far. */
  stderr(): string;
}

export interface ServerProcessOptions {
  nodeFlags?: string[];
  stdout?: 'ignore' | 'inherit';
}

/** `make serve` as a real process on a free loopback port, resolved once it says it is listening. */
export function startServerProcess(env: NodeJS.ProcessEnv, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  return startListeningProcess(scriptArguments('services/api/src/server.ts'), env, options);
}

/**
 * Any node program (its arguments after node's own flags) that listens on PORT=0 and says
 * `listening on http://127.0.0.1:<port>` on stderr; stop it by the returned child's PID.
 */
export async function startListeningProcess(args: string[], env: NodeJS.ProcessEnv, options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), ...args], {
    cwd: REPO_ROOT, env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', options.stdout ?? 'ignore', 'pipe'],
  });
  let stderr = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code} before listening: ${stderr}`)); });
    child.stderr?.on('data', (chunk) => {
      stderr += String(chunk);
      const match = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (match) { clearTimeout(timer); resolve(Number(match[1])); }
    });
  });
  return { child, port, stderr: () => stderr };
}

/** A loopback port nobody listens on now, for a program that takes its port as a flag (Prometheus, Alertmanager). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
