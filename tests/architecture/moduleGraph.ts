import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Nodes and the nodes each imports: modules by path relative to the repository, or parts by name. */
export type ModuleGraph = Map<string, string[]>;

const IMPORT_PATTERNS = [
  /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"](\.{1,2}\/[^'"]+)['"]/g,
  /\bimport\s*['"](\.{1,2}\/[^'"]+)['"]/g,
  /\bimport\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g,
  // A worker thread's body, loaded by URL.
  /new URL\(\s*['"](\.{1,2}\/[^'"]+\.ts)['"]\s*,\s*import\.meta\.url\s*\)/g,
];

function typeScriptFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Strip comments, so an import named in a comment is not an import. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/**
 * The module a relative specifier names: TypeScript sources are imported by their .ts
 * name, or by a .js name that NodeNext resolves to the .ts beside it. JSON and other
 * files are not modules of ours; a specifier that names nothing is reported.
 */
function resolveSpecifier(root: string, file: string, specifier: string, unresolved: string[]): string | undefined {
  const absolute = resolve(dirname(file), specifier);
  if (/\.(json|css|html)$/.test(absolute)) return undefined;
  const candidates = absolute.endsWith('.ts') ? [absolute] : absolute.endsWith('.js') ? [absolute.replace(/\.js$/, '.ts'), absolute] : [`${absolute}.ts`, join(absolute, 'index.ts')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    unresolved.push(`${relative(root, file)}: ${specifier}`);
    return undefined;
  }
  return found.endsWith('.ts') ? relative(root, found) : undefined;
}

export function moduleGraph(root: string, folders: readonly string[], unresolved: string[] = []): ModuleGraph {
  const graph: ModuleGraph = new Map();
  for (const folder of folders) {
    for (const file of typeScriptFiles(join(root, folder))) {
      const source = withoutComments(readFileSync(file, 'utf8'));
      const targets = new Set<string>();
      for (const pattern of IMPORT_PATTERNS) {
        for (const match of source.matchAll(pattern)) {
          const target = resolveSpecifier(root, file, match[1] as string, unresolved);
          if (target !== undefined) targets.add(target);
        }
      }
      graph.set(relative(root, file), [...targets].sort());
    }
  }
  return graph;
}

/** Strongly connected components with more than one module, or a module importing itself: the import cycles. */
export function importCycles(graph: ModuleGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) cycles.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/**
 * The part a module belongs to: a stage (generator, services/<stage>), or one of core's
 * two layers (core/domain, core/infrastructure). Tests and helpers are no part.
 */
export function partOf(path: string): string | undefined {
  if (path.startsWith('generator/')) return 'generator';
  const core = /^services\/core\/src\/(domain|infrastructure)\//.exec(path);
  if (core) return `core/${core[1]}`;
  const stage = /^services\/([^/]+)\//.exec(path);
  return stage ? (stage[1] as string) : undefined;
}

/** The edges between parts, each with one import that makes it (for the message). */
export function partEdges(graph: ModuleGraph): Map<string, { to: string; via: string }[]> {
  const edges = new Map<string, { to: string; via: string }[]>();
  for (const [from, targets] of graph) {
    const fromPart = partOf(from);
    if (fromPart === undefined || from.endsWith('.test.ts')) continue;
    for (const target of targets) {
      const toPart = partOf(target);
      if (toPart === undefined || toPart === fromPart) continue;
      const list = edges.get(fromPart) ?? [];
      if (!list.some((edge) => edge.to === toPart)) list.push({ to: toPart, via: `${from} -> ${target}` });
      edges.set(fromPart, list);
    }
  }
  return edges;
}
