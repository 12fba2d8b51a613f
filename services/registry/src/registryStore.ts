import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cutTornTail } from '../../core/src/infrastructure/appendOnlyLines.ts';
import { UserError, errorMessage } from '../../core/src/infrastructure/errors.ts';
import { withFileLock } from '../../core/src/infrastructure/fileLock.ts';
import { sha256Hex } from '../../core/src/infrastructure/fileHash.ts';
import { compileContractSchema } from '../../core/src/domain/vocabularySchema.ts';
import { assertValid } from '../../core/src/infrastructure/jsonSchema.ts';
import historyEntrySchema from '../schema/history-entry.schema.json' with { type: 'json' };
import versionMetadataSchema from '../schema/version-metadata.schema.json' with { type: 'json' };
import { planArchive, planPromotion, planRollback, productionVersion, rollbackTarget, stagesFromHistory } from './registryStages.ts';
import type { HistoryEntry, MoveContext, Stage, StageMove, VersionMetadata } from './registryTypes.ts';
import type { PromotionTarget } from '../../core/src/domain/vocabularies.ts';

/**
 * The registry on disk:
 *   DIR/versions/vN/model.json      the artifact (sha256 recorded in metadata)
 *   DIR/versions/vN/metadata.json   metrics, lineage, params
 *   DIR/history.jsonl               one line per stage move; stages are derived from it
 *   DIR/.lock                       held by every writer
 * A version directory appears by one rename; every operation's moves are appended in
 * one write and carry operation_size, so a crash mid-append leaves a partial operation
 * that loading ignores: the registry always loads, with one Production at most.
 */

const validateHistoryEntry = compileContractSchema<HistoryEntry>(historyEntrySchema);
const validateMetadata = compileContractSchema<VersionMetadata>(versionMetadataSchema);

export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

export interface VersionRecord {
  metadata: VersionMetadata;
  stage: Stage;
}

const ARTIFACT_FILE = 'model.json';
const METADATA_FILE = 'metadata.json';

function versionsDirectory(directory: string): string {
  return join(directory, 'versions');
}

function versionDirectory(directory: string, version: number): string {
  return join(versionsDirectory(directory), `v${version}`);
}

/** Every move of the registry, one line each: a reader that wants to know when the registry changed watches this file. */
export function historyPath(directory: string): string {
  return join(directory, 'history.jsonl');
}

/** A version's artifact file (the bytes whose sha256 the metadata records). */
export function artifactPath(directory: string, version: number): string {
  return join(versionDirectory(directory, version), ARTIFACT_FILE);
}

/** "v3", "3", "production", "latest" -> a version number. */
export function parseVersionReference(reference: string): number | 'production' | 'latest' {
  const lowered = reference.trim().toLowerCase();
  if (lowered === 'production' || lowered === 'latest') return lowered;
  const match = /^v?(\d+)$/.exec(lowered);
  if (!match) throw new UserError(`not a model version: "${reference}" (use v3, 3, production or latest)`);
  return Number(match[1]);
}

/** Complete operations only: the lines of a trailing operation cut short by a crash are dropped. */
function readHistory(path: string): HistoryEntry[] {
  if (!existsSync(path)) return [];
  const lines = readFileSync(path, 'utf8').split('\n');
  const entries: HistoryEntry[] = [];
  lines.forEach((line, index) => {
    if (line.trim().length === 0) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      // Only the very last line may be torn by a crash; anything else is corruption.
      if (index === lines.length - 1 || (index === lines.length - 2 && lines[lines.length - 1] === '')) return;
      throw new UserError(`${path}: line ${index + 1}: not valid JSON (corrupt registry history)`);
    }
    entries.push(assertValid(validateHistoryEntry, parsed, `${path}: line ${index + 1}`));
  });
  const counts = new Map<string, number>();
  for (const entry of entries) counts.set(entry.operation_id, (counts.get(entry.operation_id) ?? 0) + 1);
  return entries.filter((entry) => counts.get(entry.operation_id) === entry.operation_size);
}

export class ModelRegistry {
  private constructor(
    readonly directory: string,
    private readonly metadataByVersion: Map<number, VersionMetadata>,
    private readonly entries: HistoryEntry[],
  ) {}

  static open(directory: string): ModelRegistry {
    const versions = versionsDirectory(directory);
    const metadata = new Map<number, VersionMetadata>();
    if (existsSync(versions)) {
      for (const name of readdirSync(versions)) {
        const match = /^v(\d+)$/.exec(name);
        if (!match) continue; // temporary directories of an interrupted register
        const path = join(versions, name, METADATA_FILE);
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(path, 'utf8'));
        } catch (error) {
          throw new UserError(`${path}: unreadable or not valid JSON (corrupt registry): ${errorMessage(error).split('\n')[0]}`);
        }
        const record = assertValid(validateMetadata, parsed, path);
        if (record.version !== Number(match[1])) throw new UserError(`${path}: version ${record.version} does not match its directory ${name}`);
        metadata.set(record.version, record);
      }
    }
    const history = readHistory(historyPath(directory));
    for (const entry of history) {
      if (!metadata.has(entry.version)) throw new UserError(`${historyPath(directory)}: names v${entry.version}, which has no metadata (corrupt registry)`);
    }
    return new ModelRegistry(directory, metadata, history);
  }

  history(): HistoryEntry[] {
    return [...this.entries];
  }

  stages(): Map<number, Stage> {
    const stages = new Map<number, Stage>([...this.metadataByVersion.keys()].map((version) => [version, 'None' as Stage]));
    for (const [version, stage] of stagesFromHistory(this.entries)) stages.set(version, stage);
    return stages;
  }

  versions(): VersionRecord[] {
    const stages = this.stages();
    return [...this.metadataByVersion.values()].sort((a, b) => a.version - b.version)
      .map((metadata) => ({ metadata, stage: stages.get(metadata.version) ?? 'None' }));
  }

  productionVersion(): number | null {
    return productionVersion(this.stages());
  }

  latestVersion(): number | null {
    const versions = [...this.metadataByVersion.keys()];
    return versions.length === 0 ? null : Math.max(...versions);
  }

  resolve(reference: string): number {
    const parsed = parseVersionReference(reference);
    if (parsed === 'production') {
      const version = this.productionVersion();
      if (version === null) throw new UserError(`no version is in Production in ${this.directory} (train, then promote one)`);
      return version;
    }
    if (parsed === 'latest') {
      const version = this.latestVersion();
      if (version === null) throw new UserError(`the registry ${this.directory} has no versions yet (run training first)`);
      return version;
    }
    this.metadata(parsed);
    return parsed;
  }

  metadata(version: number): VersionMetadata {
    const record = this.metadataByVersion.get(version);
    if (!record) throw new UserError(`unknown version v${version} in ${this.directory}`);
    return record;
  }

  /**
   * The artifact as parsed JSON, refused unless its bytes match the sha256 recorded at
   * registration. The registry stores models of any kind; training reads them as its own.
   */
  loadArtifact(version: number): unknown {
    const record = this.metadata(version);
    const path = artifactPath(this.directory, version);
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch {
      throw new UserError(`v${version}: artifact ${path} is missing (deleted?); it cannot be loaded or promoted`);
    }
    const actual = sha256Hex(bytes);
    if (actual !== record.artifact_sha256) {
      throw new UserError(`v${version}: artifact ${path} has sha256 ${actual.slice(0, 12)}…, registered ${record.artifact_sha256.slice(0, 12)}… (tampered or corrupt); refusing to load it`);
    }
    try {
      return JSON.parse(bytes.toString('utf8')) as unknown;
    } catch (error) {
      throw new UserError(`v${version}: artifact ${path} is not valid JSON: ${errorMessage(error)}`);
    }
  }

  canLoad(version: number): boolean {
    try {
      this.loadArtifact(version);
      return true;
    } catch {
      return false;
    }
  }
}

function lockPath(directory: string): string {
  return join(directory, '.lock');
}

function appendMoves(directory: string, moves: StageMove[], operation: HistoryEntry['operation'], context: MoveContext): HistoryEntry[] {
  const operationId = randomUUID();
  const entries = moves.map((move): HistoryEntry => ({
    time: context.now.toISOString(),
    version: move.version,
    from: move.from,
    to: move.to,
    actor: context.actor,
    reason: context.reason,
    run_id: context.runId,
    operation,
    operation_id: operationId,
    operation_size: moves.length,
    ...(context.idempotencyKey === undefined ? {} : { idempotency_key: context.idempotencyKey }),
    ...(context.auditHead === undefined ? {} : { audit_head: context.auditHead }),
  }));
  const path = historyPath(directory);
  cutTornTail(path);
  // One write for the whole operation; O_APPEND keeps concurrent appends whole.
  appendFileSync(path, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
  return entries;
}

export interface RegisterInput {
  /** Stored as JSON in the key order it has: the same artifact is the same bytes, and the same sha256. */
  artifact: object;
  metadata: Omit<VersionMetadata, 'version' | 'artifact_sha256' | 'created_at' | 'parent_version'>;
}

/** Registers a new version (stage None); its parent is the Production version at the time. */
export function registerVersion(directory: string, input: RegisterInput, context: MoveContext, lockTimeoutMs = DEFAULT_LOCK_TIMEOUT_MS): VersionMetadata {
  mkdirSync(versionsDirectory(directory), { recursive: true });
  return withFileLock(lockPath(directory), { timeoutMs: lockTimeoutMs, purpose: 'register' }, () => {
    const registry = ModelRegistry.open(directory);
    const version = (registry.latestVersion() ?? 0) + 1;
    const artifactText = `${JSON.stringify(input.artifact)}\n`;
    const metadata: VersionMetadata = {
      version,
      created_at: context.now.toISOString(),
      ...input.metadata,
      artifact_sha256: sha256Hex(artifactText),
      parent_version: registry.productionVersion(),
    };
    const staging = join(versionsDirectory(directory), `.v${version}.${process.pid}.tmp`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    writeFileSync(join(staging, ARTIFACT_FILE), artifactText);
    writeFileSync(join(staging, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
    renameSync(staging, versionDirectory(directory, version));
    appendMoves(directory, [{ version, from: null, to: 'None' }], 'register', context);
    return metadata;
  });
}

export function promoteVersion(directory: string, version: number, stage: PromotionTarget, context: MoveContext, lockTimeoutMs = DEFAULT_LOCK_TIMEOUT_MS): HistoryEntry[] {
  return withFileLock(lockPath(directory), { timeoutMs: lockTimeoutMs, purpose: `promote v${version}` }, () => {
    const registry = ModelRegistry.open(directory);
    registry.loadArtifact(version); // a missing or tampered artifact is never promoted
    return appendMoves(directory, planPromotion(registry.stages(), version, stage), 'promote', context);
  });
}

/** Moves a version that does not serve (None or Staging) to Archived, recorded in the history like every move. */
export function archiveVersion(directory: string, version: number, context: MoveContext, lockTimeoutMs = DEFAULT_LOCK_TIMEOUT_MS): HistoryEntry[] {
  return withFileLock(lockPath(directory), { timeoutMs: lockTimeoutMs, purpose: `archive v${version}` }, () => {
    const registry = ModelRegistry.open(directory);
    return appendMoves(directory, planArchive(registry.stages(), version), 'archive', context);
  });
}

export function rollbackProduction(directory: string, context: MoveContext, lockTimeoutMs = DEFAULT_LOCK_TIMEOUT_MS): HistoryEntry[] {
  return withFileLock(lockPath(directory), { timeoutMs: lockTimeoutMs, purpose: 'rollback' }, () => {
    const registry = ModelRegistry.open(directory);
    const moves = planRollback(registry.history(), (version) => registry.canLoad(version));
    return appendMoves(directory, moves, 'rollback', context);
  });
}

/** The version a rollback would restore now, or null when the history has none that still loads. */
export function rollbackCandidate(registry: ModelRegistry): number | null {
  try {
    return rollbackTarget(registry.history(), (version) => registry.canLoad(version)).target;
  } catch {
    return null;
  }
}
