import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/runScript.ts';
import { entryScripts } from '../../services/core/src/infrastructure/scriptBundles.ts';
import { importCycles, moduleGraph, partEdges, partOf, type ModuleGraph } from './moduleGraph.ts';

const unresolved: string[] = [];
const graph = moduleGraph(REPO_ROOT, ['generator', 'services', 'tests', 'bench'], unresolved);
const sources = [...graph.keys()].filter((path) => !path.endsWith('.test.ts') && partOf(path) !== undefined);
const benchSources = [...graph.keys()].filter((path) => path.startsWith('bench/'));

describe('the import graph keeps the layering', () => {
  it('every relative import names a module that exists (a .js name counts as its .ts)', () => {
    expect(unresolved).toEqual([]);
  });

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
        return toPart !== undefined && !toPart.startsWith('core/') && toPart !== partOf(from) && target !== (toPart === 'generator' ? 'generator/src/index.ts' : `services/${toPart}/src/index.ts`);
      })
      .map((target) => `${from} -> ${target}`));
    expect(breaches).toEqual([]);
  });
});

describe('each store owns its file names', () => {
  // A file name typed in two places is two contracts that can drift apart.
  const names = [
    'monitoring_summary.json', 'drift_report.html',
    'sentinel_report.json', 'execution_plan.json', 'release_result.json', 'audit.jsonl', 'audit.head.json', '.control.lock', 'challenger_training.csv',
    'history.jsonl', 'metadata.json', 'model.json', '.lock',
    'column_histograms.json', 'notifications_failed.jsonl', 'timeline.meta.json', 'windows.jsonl', 'timeline.jsonl',
  ];
  for (const name of names) {
    it(`"${name}" is written in one source file only`, () => {
      // In any kind of string, or at the end of a path in one.
      const literal = new RegExp(`['"\`/]${name.replace(/\./g, '\\.')}['"\`]`);
      const holders = [...sources, ...benchSources].filter((path) => literal.test(readFileSync(join(REPO_ROOT, path), 'utf8')));
      expect(holders).toHaveLength(1);
    });
  }
});

describe('nothing stops a process by name', () => {
  // A test or script that kills by name would stop a user's own server of that name; tests hold their PIDs.
  // The words are assembled, so this file does not name them itself.
  const byName = new RegExp(`\\b(${['pk', 'ill'].join('')}|${['kill', 'all'].join('')}|${['pg', 'rep'].join('')}|${['pid', 'of'].join('')})\\b|\\bfuser\\s+-k|xargs\\s+kill`);
  it('no tracked script, Makefile, package script or test stops a process by its name', () => {
    const tracked = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n')
      .filter((path) => /(\.(ts|sh|js|mjs|py|yml|yaml)|Makefile|\/run|package\.json)$/.test(path) && existsSync(join(REPO_ROOT, path)));
    expect(tracked.filter((path) => byName.test(readFileSync(join(REPO_ROOT, path), 'utf8')))).toEqual([]);
  });
});

describe('the Makefile runs the stages compiled', () => {
  it('names, for each stage it runs, an entry script the build compiles', () => {
    const makefile = readFileSync(join(REPO_ROOT, 'Makefile'), 'utf8');
    const stages = [...makefile.matchAll(/\$\(call stage,([^)]+)\)/g)].map((match) => `${match[1]}.ts`);
    expect(stages.length).toBeGreaterThan(5);
    expect(stages.filter((script) => !entryScripts().includes(script))).toEqual([]);
  });

  it('compiles every worker body a module starts, so a compiled script starts it compiled', () => {
    const started = sources.flatMap((path) => [...readFileSync(join(REPO_ROOT, path), 'utf8').matchAll(/startTypeScriptWorker\(pathToFileURL\(repositoryPath\('([^']+)'\)\)/g)].map((match) => match[1] as string));
    expect(started.length).toBeGreaterThan(1);
    expect(started.filter((body) => !entryScripts().includes(body))).toEqual([]);
  });
});
