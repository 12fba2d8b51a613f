import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/runScript.ts';
import { importCycles, moduleGraph, partEdges, partOf, type ModuleGraph } from './moduleGraph.ts';

const graph = moduleGraph(REPO_ROOT, ['generator', 'services', 'tests', 'bench']);
const sources = [...graph.keys()].filter((path) => !path.endsWith('.test.ts') && partOf(path) !== undefined);

describe('the import graph keeps the layering', () => {
  it('has no import cycle between modules, types included', () => {
    expect(importCycles(graph)).toEqual([]);
  });

  it('has no cycle between parts (stages and core\'s two layers)', () => {
    const partGraph: ModuleGraph = new Map();
    for (const [part, list] of partEdges(graph)) {
      partGraph.set(part, list.map((edge) => edge.to));
      for (const edge of list) if (!partGraph.has(edge.to)) partGraph.set(edge.to, []);
    }
    expect(importCycles(partGraph)).toEqual([]);
  });

  it('core\'s infrastructure imports nothing of the domain or of any stage; the domain nothing of any stage', () => {
    const edges = partEdges(graph);
    expect(edges.get('core/infrastructure') ?? []).toEqual([]);
    expect((edges.get('core/domain') ?? []).filter((edge) => edge.to !== 'core/infrastructure')).toEqual([]);
  });

  it('a stage imports another stage only through that stage\'s public src/index.ts', () => {
    const breaches = sources.flatMap((from) => (graph.get(from) ?? [])
      .filter((target) => {
        const toPart = partOf(target);
        return toPart !== undefined && !toPart.startsWith('core/') && toPart !== partOf(from) && target !== `services/${toPart}/src/index.ts`;
      })
      .map((target) => `${from} -> ${target}`));
    expect(breaches).toEqual([]);
  });
});

describe('each store owns its file names', () => {
  // A file name typed in two places is two contracts that can drift apart.
  const names = [
    'monitoring_summary.json', 'drift_report.html',
    'sentinel_report.json', 'execution_plan.json', 'release_result.json', 'audit.jsonl', '.control.lock', 'challenger_training.csv',
    'history.jsonl', 'metadata.json', 'model.json',
  ];
  for (const name of names) {
    it(`"${name}" is written in one source file only`, () => {
      const holders = sources.filter((path) => readFileSync(join(REPO_ROOT, path), 'utf8').includes(`'${name}'`));
      expect(holders).toHaveLength(1);
    });
  }
});

describe('nothing stops a process by name', () => {
  // A test or script that kills by name would stop a user's own server of that name; tests hold their PIDs.
  const byName = new RegExp(`\\b(${['pk', 'ill'].join('')}|${['kill', 'all'].join('')})\\b`);
  it('no tracked script, Makefile or test stops a process by its name', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n')
      .filter((path) => /(\.(ts|sh|js|mjs|py|yml|yaml)|Makefile|\/run)$/.test(path) && existsSync(join(REPO_ROOT, path)));
    expect(tracked.filter((path) => byName.test(readFileSync(join(REPO_ROOT, path), 'utf8')))).toEqual([]);
  });
});
