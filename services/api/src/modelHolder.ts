import { errorMessage } from '../../core/src/infrastructure/errors.ts';
import { ModelRegistry } from '../../registry/src/index.ts';
import { createPredictor, loadRegisteredArtifact, type ModelArtifact, type Predictor } from '../../training/src/index.ts';
import { compileSchema, type SchemaValidator } from '../../core/src/infrastructure/jsonSchema.ts';
import { requestSchemaOf } from './requestSchema.ts';

export interface ServedModel {
  version: number;
  predictor: Predictor;
  /** The request schema derived from the dataset spec the version was trained on. */
  validateRequest: SchemaValidator<Record<string, unknown>>;
}

/** Model and request schema are built together, so a request is checked against the contract of the model that scores it. */
export function servedModel(version: number, artifact: ModelArtifact): ServedModel {
  return { version, predictor: createPredictor(artifact), validateRequest: compileSchema(requestSchemaOf(artifact.dataset.spec)) };
}

/**
 * The Production model being served, swapped whole when the registry's Production
 * changes: a request takes the current one once and keeps it to its end, so requests in
 * flight during a reload finish on the model they started with.
 */
export class ModelHolder {
  private served: ServedModel | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly registryDirectory: string) {}

  current(): ServedModel | undefined {
    return this.served;
  }

  version(): number | null {
    return this.served?.version ?? null;
  }

  /** Load the registry's Production version if it is not the one served; a failure leaves the served model as it was. */
  reload(): { version: number | null; changed: boolean } {
    const registry = ModelRegistry.open(this.registryDirectory);
    const version = registry.productionVersion();
    if (version === null) {
      const changed = this.served !== undefined;
      this.served = undefined;
      return { version: null, changed };
    }
    if (this.served?.version === version) return { version, changed: false };
    // Build the new predictor fully, then swap the reference.
    this.served = servedModel(version, loadRegisteredArtifact(registry, version));
    return { version, changed: true };
  }

  /** First load at start-up: a server with no loadable model still starts (and says why). */
  loadAtStart(): void {
    try {
      this.reload();
    } catch (error) {
      process.stderr.write(`api: no model loaded yet: ${errorMessage(error)}\n`);
    }
  }

  /** Look for a new Production version every `intervalMs` (0: only when asked). */
  watch(intervalMs: number): void {
    if (intervalMs <= 0) return;
    this.timer = setInterval(() => {
      try { this.reload(); } catch (error) { process.stderr.write(`api: reload failed, still serving v${this.served?.version ?? '-'}: ${errorMessage(error)}\n`); }
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
