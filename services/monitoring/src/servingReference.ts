import { existsSync } from 'node:fs';
import { DEFAULT_PATHS } from '../../core/src/domain/defaultPaths.ts';
import { loadPolicy } from '../../core/src/domain/promotionPolicy.ts';
import { UserError } from '../../core/src/infrastructure/errors.ts';
import { sha256OfFileSync } from '../../core/src/infrastructure/fileHash.ts';

/** The --reference value that asks for the serving model's reference instead of a file. */
export const SERVING_REFERENCE = 'serving';

/**
 * The file `--reference serving` stands for, by the policy's reference.mode: the
 * training data of the Production version (training_data, the default: a promotion or
 * a rollback moves the reference with the model, so drift the model was trained on is
 * not found again), or reference.path (fixed). The registry records each version's
 * training data and its sha256; a file changed since is refused, not compared with.
 */
export async function servingReferencePath(policyPath: string | undefined, registryDirectory: string): Promise<{ path: string; description: string }> {
  const path = policyPath ?? (existsSync(DEFAULT_PATHS.policy) ? DEFAULT_PATHS.policy : undefined);
  const reference = path === undefined ? { mode: 'training_data' as const } : loadPolicy(path).reference;
  if (reference.mode === 'fixed') return { path: reference.path ?? DEFAULT_PATHS.reference, description: `reference.path (reference.mode fixed in ${path})` };
  // Loaded only when asked for, as for --model.
  const { ModelRegistry } = await import('../../registry/src/index.ts');
  const registry = ModelRegistry.open(registryDirectory);
  const version = registry.productionVersion();
  if (version === null) throw new UserError(`--reference ${SERVING_REFERENCE}: no version is in Production in ${registryDirectory}; give --reference PATH`);
  const training = registry.metadata(version).training_data;
  if (!existsSync(training.path)) throw new UserError(`--reference ${SERVING_REFERENCE}: v${version}'s training data ${training.path} is gone; give --reference PATH`);
  const actual = sha256OfFileSync(training.path);
  if (actual !== training.sha256) throw new UserError(`--reference ${SERVING_REFERENCE}: v${version}'s training data ${training.path} changed since training (sha256 ${actual.slice(0, 12)} != ${training.sha256.slice(0, 12)} recorded in ${registryDirectory}); give --reference PATH`);
  return { path: training.path, description: `the training data of v${version}` };
}
