import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import seedrandom from 'seedrandom';
import { contextAt, registerTiny } from '../../../tests/helpers/registryFixtures.ts';
import { makeTempDir } from '../../../tests/helpers/runScript.ts';
import { acquireFileLock } from '../../core/src/infrastructure/fileLock.ts';
import { planArchive, planPromotion, productionAt, rollbackTarget } from './registryStages.ts';
import { ModelRegistry, promoteVersion, rollbackProduction } from './registryStore.ts';
import type { HistoryEntry, Stage } from './registryTypes.ts';

let temp: ReturnType<typeof makeTempDir>;
let directory: string;
beforeEach(() => {
  temp = makeTempDir('registry');
  directory = join(temp.path, 'registry');
});
afterEach(() => temp.cleanup());

function productionCount(): number {
  return [...ModelRegistry.open(directory).stages().values()].filter((stage) => stage === 'Production').length;
}

describe('stage rules (pure)', () => {
  it('promoting a version to Production archives the previous Production', () => {
    const stages = new Map<number, Stage>([[1, 'Production'], [2, 'Staging']]);
    expect(planPromotion(stages, 2, 'Production')).toEqual([
      { version: 1, from: 'Production', to: 'Archived' },
      { version: 2, from: 'Staging', to: 'Production' },
    ]);
  });

  it('archiving sets aside a version that does not serve; Production leaves only by a promotion or a rollback', () => {
    const stages = new Map<number, Stage>([[1, 'Production'], [2, 'None'], [3, 'Staging'], [4, 'Archived']]);
    expect(planArchive(stages, 2)).toEqual([{ version: 2, from: 'None', to: 'Archived' }]);
    expect(planArchive(stages, 3)).toEqual([{ version: 3, from: 'Staging', to: 'Archived' }]);
    expect(() => planArchive(stages, 1)).toThrow('v1 is in Production: promote another version or roll back');
    expect(() => planArchive(stages, 4)).toThrow('already Archived');
    expect(() => planArchive(stages, 9)).toThrow('unknown version v9');
  });

  it('refuses an unknown version and a no-op move', () => {
    expect(() => planPromotion(new Map(), 9, 'Production')).toThrow('unknown version v9');
    expect(() => planPromotion(new Map([[1, 'Production']]), 1, 'Production')).toThrow('already in Production');
  });

  const entry = (time: string, version: number, from: Stage | null, to: Stage, operation: HistoryEntry['operation'] = 'promote'): HistoryEntry =>
    ({ time, version, from, to, actor: 't', reason: '', run_id: null, operation, operation_id: time + version, operation_size: 1 });

  it('rollback restores the Production before the current one by the history, not latest minus one', () => {
    const history = [
      entry('2026-01-01T00:00:00Z', 3, 'None', 'Production'),
      entry('2026-01-02T00:00:00Z', 3, 'Production', 'Archived'),
      entry('2026-01-02T00:00:00Z', 1, 'None', 'Production'),
      entry('2026-01-03T00:00:00Z', 1, 'Production', 'Archived'),
      entry('2026-01-03T00:00:00Z', 4, 'None', 'Production'),
    ];
    expect(rollbackTarget(history, () => true)).toEqual({ current: 4, target: 1 });
  });

  it('rollback skips versions already rolled back out of Production and artifacts that no longer load', () => {
    const history = [
      entry('2026-01-01T00:00:00Z', 1, 'None', 'Production'),
      entry('2026-01-02T00:00:00Z', 1, 'Production', 'Archived'),
      entry('2026-01-02T00:00:00Z', 2, 'None', 'Production'),
      entry('2026-01-03T00:00:00Z', 2, 'Production', 'Archived', 'rollback'),
      entry('2026-01-03T00:00:00Z', 1, 'Archived', 'Production', 'rollback'),
      entry('2026-01-04T00:00:00Z', 1, 'Production', 'Archived'),
      entry('2026-01-04T00:00:00Z', 3, 'None', 'Production'),
    ];
    expect(rollbackTarget(history, () => true).target).toBe(1);
    expect(() => rollbackTarget(history, (version) => version !== 1)).toThrow('no earlier Production version');
  });

  it('answers what was in Production at a time', () => {
    const history = [entry('2026-01-01T00:00:00Z', 1, 'None', 'Production'), entry('2026-01-05T00:00:00Z', 2, 'None', 'Production')];
    expect(productionAt(history, new Date('2025-12-31T00:00:00Z'))).toBeNull();
    expect(productionAt(history, new Date('2026-01-03T00:00:00Z'))).toBe(1);
    expect(productionAt(history, new Date('2026-01-05T00:00:00Z'))).toBe(2);
  });
});

describe('registry store', () => {
  it('registers versions with lineage: the parent is the Production version at registration', () => {
    registerTiny(directory, 1, '2026-01-01T00:00:00Z');
    promoteVersion(directory, 1, 'Production', contextAt('2026-01-01T01:00:00Z'));
    const second = registerTiny(directory, 2, '2026-01-02T00:00:00Z');
    expect(second.version).toBe(2);
    expect(second.parent_version).toBe(1);
    expect(ModelRegistry.open(directory).metadata(2).artifact_sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps exactly one Production through a random sequence of promotions and rollbacks', () => {
    const rng = seedrandom.alea('registry-invariant');
    for (let version = 1; version <= 5; version += 1) registerTiny(directory, version, '2026-01-01T00:00:00Z');
    let minute = 0;
    const stamp = (): string => new Date(Date.UTC(2026, 0, 2, 0, minute++)).toISOString();
    for (let step = 0; step < 40; step += 1) {
      const registry = ModelRegistry.open(directory);
      if (rng() < 0.3 && registry.productionVersion() !== null) {
        try { rollbackProduction(directory, contextAt(stamp())); } catch { /* nothing earlier to restore is allowed */ }
      } else {
        const version = 1 + Math.floor(rng() * 5);
        const stage = rng() < 0.7 ? 'Production' : 'Staging';
        try { promoteVersion(directory, version, stage, contextAt(stamp())); } catch { /* already in that stage */ }
      }
      if (ModelRegistry.open(directory).productionVersion() !== null) expect(productionCount()).toBe(1);
    }
  });

  it('history --at answers from the recorded moves', () => {
    registerTiny(directory, 1, '2026-01-01T00:00:00Z');
    registerTiny(directory, 2, '2026-01-01T00:00:00Z');
    promoteVersion(directory, 1, 'Production', contextAt('2026-01-02T00:00:00Z'));
    promoteVersion(directory, 2, 'Production', contextAt('2026-01-04T00:00:00Z'));
    rollbackProduction(directory, contextAt('2026-01-06T00:00:00Z'));
    const history = ModelRegistry.open(directory).history();
    expect(productionAt(history, new Date('2026-01-03T00:00:00Z'))).toBe(1);
    expect(productionAt(history, new Date('2026-01-05T00:00:00Z'))).toBe(2);
    expect(productionAt(history, new Date('2026-01-07T00:00:00Z'))).toBe(1);
    expect(ModelRegistry.open(directory).stages().get(2)).toBe('Archived');
  });

  it('refuses a tampered artifact, and never promotes it', () => {
    registerTiny(directory, 1, '2026-01-01T00:00:00Z');
    const path = join(directory, 'versions', 'v1', 'model.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"weights":[0,1]', '"weights":[0,9]'));
    expect(() => ModelRegistry.open(directory).loadArtifact(1)).toThrow(/v1: artifact .* has sha256 .* \(tampered or corrupt\)/);
    expect(() => promoteVersion(directory, 1, 'Production', contextAt('2026-01-02T00:00:00Z'))).toThrow('tampered');
  });

  it('refuses to promote a version whose artifact was deleted', () => {
    registerTiny(directory, 1, '2026-01-01T00:00:00Z');
    rmSync(join(directory, 'versions', 'v1', 'model.json'));
    expect(() => promoteVersion(directory, 1, 'Production', contextAt('2026-01-02T00:00:00Z'))).toThrow('is missing (deleted?)');
  });

  it('still loads after a crash mid-operation: a torn last line and a half-written version directory are ignored', () => {
    registerTiny(directory, 1, '2026-01-01T00:00:00Z');
    registerTiny(directory, 2, '2026-01-01T00:00:00Z');
    promoteVersion(directory, 1, 'Production', contextAt('2026-01-02T00:00:00Z'));
    // A promotion of v2 that wrote one of its two lines, the second torn mid-way:
    const torn = { time: '2026-01-03T00:00:00.000Z', version: 1, from: 'Production', to: 'Archived', actor: 't', reason: '', run_id: null, operation: 'promote', operation_id: 'crashed', operation_size: 2 };
    appendFileSync(join(directory, 'history.jsonl'), `${JSON.stringify(torn)}\n{"time":"2026-01-03T00:00:00.000Z","vers`);
    mkdirSync(join(directory, 'versions', '.v3.999.tmp'));
    const registry = ModelRegistry.open(directory);
    expect(registry.productionVersion()).toBe(1);
    expect(registry.versions().map((record) => record.metadata.version)).toEqual([1, 2]);
    // and the next operation completes cleanly after it
    promoteVersion(directory, 2, 'Production', contextAt('2026-01-04T00:00:00Z'));
    expect(ModelRegistry.open(directory).productionVersion()).toBe(2);
    expect(productionCount()).toBe(1);
  });

  it('names the line of a corrupt history file', () => {
    registerTiny(directory, 1, '2026-01-01T00:00:00Z');
    const path = join(directory, 'history.jsonl');
    writeFileSync(path, `garbage\n${readFileSync(path, 'utf8')}`);
    expect(() => ModelRegistry.open(directory)).toThrow(/history\.jsonl: line 1: not valid JSON/);
  });

  it('a second writer waits for the lock a bounded time, then fails with who holds it', () => {
    registerTiny(directory, 1, '2026-01-01T00:00:00Z');
    const release = acquireFileLock(join(directory, '.lock'), { timeoutMs: 100, purpose: 'held by test' });
    try {
      expect(() => promoteVersion(directory, 1, 'Production', contextAt('2026-01-02T00:00:00Z'), 200)).toThrow(/\.lock is held by pid \d+ \(held by test\).*waited 0\.2 s/);
    } finally {
      release();
    }
    promoteVersion(directory, 1, 'Production', contextAt('2026-01-02T00:00:00Z'), 200);
    expect(ModelRegistry.open(directory).productionVersion()).toBe(1);
  });

  it('takes over a lock left by a killed process', async () => {
    registerTiny(directory, 1, '2026-01-01T00:00:00Z');
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    await new Promise((resolve) => child.once('spawn', resolve));
    writeFileSync(join(directory, '.lock'), JSON.stringify({ pid: child.pid, since: '2026-01-01T00:00:00Z', purpose: 'killed' }));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    promoteVersion(directory, 1, 'Production', contextAt('2026-01-02T00:00:00Z'), 500);
    expect(ModelRegistry.open(directory).productionVersion()).toBe(1);
  });
});
