import { Worker } from 'node:worker_threads';
import { UserError } from './errors.ts';
import { compiledTwin } from './scriptBundles.ts';

/** What a worker body posts back: its result, or its error with the kind it had. */
export type WorkerReply<T> =
  | { ok: true; value: T }
  | { ok: false; userError: boolean; problem?: UserError['problem']; message: string; stack?: string };

/**
 * A worker thread running a TypeScript module. From a compiled script, its compiled twin
 * (scriptBundles.ts). From the sources: Node 20 does not carry module hooks into workers,
 * so each registers tsx itself, then loads the body. The body posts its replies as
 * `settle` makes them.
 */
export function startTypeScriptWorker(moduleUrl: URL, workerData: unknown): Worker {
  const compiled = compiledTwin(moduleUrl);
  if (compiled !== undefined) return new Worker(compiled, { workerData });
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl.href)}); })`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** Run work as a worker body does: its result (with the buffers to move rather than copy), or its error with its kind. */
export async function settle<T>(work: () => Promise<{ value: T; transfer?: ArrayBuffer[] }> | { value: T; transfer?: ArrayBuffer[] }): Promise<{ reply: WorkerReply<T>; transfer: ArrayBuffer[] }> {
  try {
    const done = await work();
    return { reply: { ok: true, value: done.value }, transfer: done.transfer ?? [] };
  } catch (error) {
    const userError = error instanceof UserError;
    return { reply: { ok: false, userError, problem: userError ? error.problem : undefined, message: error instanceof Error ? error.message : String(error), stack: error instanceof Error ? error.stack : undefined }, transfer: [] };
  }
}

/** A reply as the caller's value: a user error comes back as a UserError of the same problem, anything else as an Error with the worker's stack. */
export function unwrapReply<T>(reply: WorkerReply<T>): T {
  if (reply.ok) return reply.value;
  throw reply.userError ? new UserError(reply.message, reply.problem) : new Error(reply.stack ?? reply.message);
}
