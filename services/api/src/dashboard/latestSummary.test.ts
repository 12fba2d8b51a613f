import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../../../../tests/helpers/runScript.ts';
import { latestSummaryFolder, type DashboardDirectories } from './dashboardReads.ts';

const temp = makeTempDir('latest-summary');
afterAll(() => temp.cleanup());

function layout(name: string): DashboardDirectories {
  const root = join(temp.path, name);
  return {
    registryDirectory: join(root, 'registry'), reportsDirectory: join(root, 'reports'), eventsDirectory: join(root, 'events'), approvalsDirectory: join(root, 'approvals'),
    policyPath: join(root, 'policy.yaml'), watchDirectory: join(root, 'watch'), replayDirectory: join(root, 'replay'),
  };
}

function summaryAt(folder: string, seconds: number): void {
  mkdirSync(folder, { recursive: true });
  const path = join(folder, 'monitoring_summary.json');
  writeFileSync(path, '{}');
  utimesSync(path, seconds, seconds);
}

const windowLine = (id: string) => JSON.stringify({ window: id, start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' });

describe('the latest summary the dashboard shows', () => {
  it('is the reports folder\'s when no watcher has decided a window', () => {
    const directories = layout('no-watcher');
    summaryAt(directories.reportsDirectory, 1_000);
    expect(latestSummaryFolder(directories)).toBe(directories.reportsDirectory);
  });

  it('is the watcher\'s last window\'s when it was written after make monitor\'s, and the reports\' when that is newer', () => {
    const directories = layout('both');
    const watch = directories.watchDirectory as string;
    mkdirSync(watch, { recursive: true });
    writeFileSync(join(watch, 'windows.jsonl'), `${windowLine('w1')}\n${windowLine('w2')}\n`);
    summaryAt(join(watch, 'windows', 'w1'), 5_000);
    summaryAt(join(watch, 'windows', 'w2'), 3_000);
    summaryAt(directories.reportsDirectory, 2_000);
    // The last window in the log, not the newest folder on disk.
    expect(latestSummaryFolder(directories)).toBe(join(watch, 'windows', 'w2'));
    summaryAt(directories.reportsDirectory, 4_000);
    expect(latestSummaryFolder(directories)).toBe(directories.reportsDirectory);
  });

  it('is the reports folder\'s when the last window has no summary (its run was refused)', () => {
    const directories = layout('refused');
    const watch = directories.watchDirectory as string;
    mkdirSync(watch, { recursive: true });
    writeFileSync(join(watch, 'windows.jsonl'), `${windowLine('w1')}\n`);
    summaryAt(directories.reportsDirectory, 1_000);
    expect(latestSummaryFolder(directories)).toBe(directories.reportsDirectory);
  });
});
