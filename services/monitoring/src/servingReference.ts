import { existsSync } from 'node:fs';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { loadPolicy, type PromotionPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { sha256OfFileSync } from '../../core/src/infrastructure/fileHash.ts';
import type { VersionMetadata } from '../../registry/src/index.ts';

/** The --reference value that asks for the serving model's reference instead of a file. */
export const SERVING_REFERENCE = 'serving';

/** The reference the monitor should compare with now: a file and the sha256 it must have. */
export interface ServingReference {
  path: string;
  sha256: string;
  description: string;
}

/** What of the registry the serving reference needs. */
export interface ServingRegistry {
  productionVersion(): number | null;
  metadata(version: number): Pick<VersionMetadata, 'training_data' | 'reference_data'>;
}

/**
 * The reference by the policy's reference.mode: the data the Production version was
 * built from as the registry records it (its training data, held-out slice included) (training_data, the default: a promotion or a
 * rollback moves the reference with the model, so drift the model was trained on is not
 * found again), or reference.path (fixed; relative to the working directory, as every
 * path on the command line). Null when nothing serves in training_data mode: no reference
 * is the serving one then. `unavailable` says why the policy's reference cannot be had.
 * The one place the serving reference is worked out, for the monitor and the control plane.
 */
export function servingReference(reference: PromotionPolicy['reference'], registry: ServingRegistry): ServingReference | { unavailable: string } | null {
  if (reference.mode === 'fixed') {
    if (!existsSync(reference.path)) return { unavailable: `reference.path ${reference.path} does not exist (reference.mode fixed; relative to the working directory)` };
    return { path: reference.path, sha256: sha256OfFileSync(reference.path), description: `${reference.path} (reference.mode fixed)` };
  }
  const version = registry.productionVersion();
  if (version === null) return null;
  const metadata = registry.metadata(version);
  const data = metadata.reference_data ?? metadata.training_data;
  return { path: data.path, sha256: data.sha256, description: `the data v${version} was built from (reference.mode training_data)` };
}

/** `--reference serving` as a file to read, checked to be the very data the registry recorded. */
export async function servingReferencePath(policyPath: string | undefined, registryDirectory: string): Promise<ServingReference> {
  const path = policyPath ?? (existsSync(DEFAULT_PATHS.policy) ? DEFAULT_PATHS.policy : undefined);
  const reference = path === undefined ? { mode: 'training_data' as const, path: DEFAULT_PATHS.reference } : loadPolicy(path).reference;
  // Loaded only when asked for, as for --model.
  const { ModelRegistry } = await import('../../registry/src/index.ts');
  const found = servingReference(reference, ModelRegistry.open(registryDirectory));
  if (found === null) throw new UserError(`--reference ${SERVING_REFERENCE}: no version is in Production in ${registryDirectory}; give --reference PATH`);
  if ('unavailable' in found) throw new UserError(`--reference ${SERVING_REFERENCE}: ${found.unavailable}${path ? ` (${path})` : ''}`);
  // A fixed reference was hashed just now, from the file itself: only a recorded hash needs checking against the file.
  if (reference.mode === 'fixed') return found;
  if (!existsSync(found.path)) throw new UserError(`--reference ${SERVING_REFERENCE}: ${found.description}, ${found.path}, is gone (relative paths are from the working directory); give --reference PATH`);
  const actual = sha256OfFileSync(found.path);
  if (actual !== found.sha256) throw new UserError(`--reference ${SERVING_REFERENCE}: ${found.description}, ${found.path}, changed since it was recorded (sha256 ${actual.slice(0, 12)} != ${found.sha256.slice(0, 12)}); give --reference PATH`);
  return found;
}
