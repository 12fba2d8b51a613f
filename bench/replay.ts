/**
 * The replay's speed: the quarter timeline (90 days, 2,000 rows a day, a black-friday day
 * of about 78,000) replayed under policies/promotion.yaml with both baselines, as one
 * whole process. Target: 60 s on 2 cores. Its own stderr says where the time went.
 *
 *   npx tsx bench/replay.ts
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT, measureScript, report } from './measure.ts';

const TARGET_SECONDS = 60;

const out = join(REPO_ROOT, '.bench', 'replay-quarter');
// The bench's own folder, emptied: a replay replaces only what a replay wrote.
rmSync(out, { recursive: true, force: true });
const run = measureScript('services/watcher/src/replayCli.ts', ['--timeline', 'quarter', '--policy', 'policies/promotion.yaml', '--out', out]);
process.stdout.write('replay (make demo-timeline): quarter, policy + baselines never and every_window\n');
report('replay quarter, whole process', `${run.seconds.toFixed(1)} s${run.maxRssMb === undefined ? '' : `, ${run.maxRssMb.toFixed(0)} MB`}`, `<= ${TARGET_SECONDS} s (${(run.seconds / TARGET_SECONDS).toFixed(2)}x of it)`);
// The replay's own account of its parts: loading, each policy, each baseline.
for (const line of run.stderr.split('\n')) {
  const part = /^replay: (timeline .*|policy .*|baseline .*)$/.exec(line);
  if (part) process.stdout.write(`  ${part[1]}\n`);
}
process.stdout.write(run.stdout);
