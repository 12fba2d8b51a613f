import { UserError } from '../../core/src/infrastructure/errors.ts';
import type { DataTable } from '../../core/src/infrastructure/csv/dataTable.ts';

/**
 * What the monitor works out from the reference alone (its checks, category counts, labels,
 * hours of day, the serving model's scores on it), computed once and kept for as long as
 * the reference is the same file: a watcher judging window after window against one
 * reference then pays only for each window's own rows (the ask of evidently#506). The
 * numerical columns need nothing here: the reader already keeps them cleaned and sorted
 * with the table.
 */
export type ReferenceMemo = <T>(key: string, compute: () => T) => T;

/** A single run: nothing is kept. */
export const computeEachTime: ReferenceMemo = (_key, compute) => compute();

/** One reference read once, and what was computed from it. */
export class ReferenceProfile {
  private readonly results = new Map<string, unknown>();
  /** How many results were computed rather than found (tests, and the watcher's log). */
  computations = 0;

  constructor(readonly path: string, readonly sha256: string, readonly table: DataTable) {}

  memo: ReferenceMemo = <T>(key: string, compute: () => T): T => {
    if (this.results.has(key)) return this.results.get(key) as T;
    const value = compute();
    this.computations += 1;
    this.results.set(key, value);
    return value;
  };
}

/**
 * Profiles by the reference's sha256. Only the latest few are kept: a promotion moves
 * the reference, and a rollback may move it back.
 */
export class ReferenceProfiles {
  private readonly profiles: ReferenceProfile[] = [];

  constructor(private readonly keep = 2) {}

  /** The profile of the reference with this sha256, reading it (with `read`) only the first time. */
  get(path: string, sha256: string, read: () => DataTable): ReferenceProfile {
    const found = this.profiles.findIndex((profile) => profile.sha256 === sha256);
    if (found >= 0) {
      const [profile] = this.profiles.splice(found, 1) as [ReferenceProfile];
      this.profiles.unshift(profile);
      return profile;
    }
    const table = read();
    if (table.sha256 !== undefined && table.sha256 !== sha256) throw new UserError(`${path} changed since the registry recorded it (sha256 ${table.sha256.slice(0, 12)}, recorded ${sha256.slice(0, 12)}): it is no longer the serving model's reference`);
    const profile = new ReferenceProfile(path, sha256, table);
    this.profiles.unshift(profile);
    this.profiles.length = Math.min(this.profiles.length, this.keep);
    return profile;
  }
}
