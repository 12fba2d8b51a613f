import { createRequire } from 'node:module';

/**
 * A CommonJS package loaded at its first use rather than with the importing module: for
 * what only some runs need, where loading it costs start-up for all of them.
 */
export function lazyRequire<T>(specifier: string, from: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= createRequire(from)(specifier) as T;
    return loaded;
  };
}
