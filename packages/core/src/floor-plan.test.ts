import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The floor plans of core and functions, read from the source itself. An import that runs back
 * up a floor (a folder importing a folder that imports it, a file reaching itself through its
 * imports, a lower room importing a higher one) is how the tangle this replaced started, so it
 * fails here the day it is written.
 */
const CORE = dirname(fileURLToPath(import.meta.url));
const FUNCTIONS = join(CORE, '../../functions/src');

/** Core's bottom floor: no ec2ops domain knowledge, importable from anywhere in core. */
const BUILDING_BLOCKS = new Set([
  'time',
  'net',
  'text',
  'errors',
  'error-codes',
  'aws-ids',
  'capability',
  'tags',
]);

/**
 * functions' floors, from the ground up: a room imports only rooms on lower floors. The EC2
 * layer and the building blocks at the bottom; the composition root's base and the adapters
 * every function shares (Auto Scaling, which borrows EC2's client settings); coordination (DynamoDB) and accounts; the slack function and the jobs;
 * operations (which run jobs' policies); the worker, which runs everything below it.
 */
const FUNCTION_FLOORS: readonly (readonly string[])[] = [
  ['ec2', 'telemetry', 'env', 'secrets', 'queue', 'request-id', 'forecast-starter', 'index'],
  ['root', 'audit', 'roles', 'slack-notifier', 'autoscaling'],
  ['accounts', 'coordination'],
  ['jobs', 'slack'],
  ['ops'],
  ['worker'],
];

interface SourceFile {
  path: string;
  text: string;
}

function sourceFiles(dir: string): SourceFile[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    const isSource = entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts');
    return isSource ? [{ path, text: readFileSync(path, 'utf8') }] : [];
  });
}

const specifiers = (text: string) =>
  [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);

/** The file a relative specifier names (`./x` is `./x.ts` or `./x/index.ts`). */
function resolve(from: string, spec: string): string {
  const base = normalize(join(dirname(from), spec));
  return [`${base}.ts`, join(base, 'index.ts'), base].find((p) => existsSync(p)) ?? `${base}.ts`;
}

/** A package's relative imports, file to file (type-only imports count: they tie the design too). */
function fileEdges(src: string): { files: SourceFile[]; edges: [string, string][] } {
  const files = sourceFiles(src);
  const edges = files.flatMap(({ path, text }) =>
    specifiers(text)
      .filter((s) => s.startsWith('.'))
      .map((s): [string, string] => [relative(src, path), relative(src, resolve(path, s))]),
  );
  return { files, edges };
}

/** The top-level room of a path under src/: its first folder, or the file's own name. */
const room = (path: string) => path.split('/')[0]!.replace(/\.ts$/, '');

function roomEdges(edges: readonly [string, string][]): Map<string, Set<string>> {
  const rooms = new Map<string, Set<string>>();
  for (const [a, b] of edges) {
    const from = room(a);
    const to = room(b);
    if (from === to || to === 'index') continue;
    if (!rooms.has(from)) rooms.set(from, new Set());
    rooms.get(from)!.add(to);
  }
  return rooms;
}

/** The nodes that reach themselves through the graph, each with one loop it is on. */
function cycles(graph: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  for (const start of graph.keys()) {
    const path = new Map<string, string>();
    const stack = [...(graph.get(start) ?? [])].map((n) => [n, start] as const);
    while (stack.length) {
      const [next, via] = stack.pop()!;
      if (path.has(next)) continue;
      path.set(next, via);
      if (next === start) {
        const loop = [start];
        for (let at = via; at !== start; at = path.get(at)!) loop.unshift(at);
        found.push([start, ...loop].join(' -> '));
        break;
      }
      stack.push(...[...(graph.get(next) ?? [])].map((n) => [n, next] as const));
    }
  }
  return found;
}

function fileGraph(edges: readonly [string, string][]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const [a, b] of edges) {
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  return graph;
}

describe("core's floor plan", () => {
  const { files, edges } = fileEdges(CORE);
  const rooms = roomEdges(edges);

  it('has no import running back up: no folder reaches itself through its imports', () => {
    expect(cycles(rooms)).toEqual([]);
  });

  it('has no file that reaches itself through its imports, inside a folder either', () => {
    expect(cycles(fileGraph(edges))).toEqual([]);
  });

  it('keeps building blocks free of domain imports', () => {
    const upward = [...BUILDING_BLOCKS].flatMap((block) =>
      [...(rooms.get(block) ?? [])].filter((to) => !BUILDING_BLOCKS.has(to)).map((to) => `${block} -> ${to}`),
    );
    expect(upward).toEqual([]);
  });

  it('imports no AWS SDK, Slack SDK (its types only) or sst, and reads no process.env', () => {
    const offending = files.flatMap(({ path, text }) => {
      const found = specifiers(text).filter((s) =>
        /^(@aws-sdk\/|@smithy\/|@slack\/(?!types$)|sst($|\/))/.test(s),
      );
      if (/\bprocess\.env\b/.test(text)) found.push('process.env');
      return found.map((what) => `${relative(CORE, path)}: ${what}`);
    });
    expect(offending).toEqual([]);
  });
});

describe("functions' floor plan", () => {
  const { edges } = fileEdges(FUNCTIONS);
  const floorOf = new Map(FUNCTION_FLOORS.flatMap((names, floor) => names.map((n) => [n, floor] as const)));

  it('puts every room of functions/src on a floor (a new folder is placed here on purpose)', () => {
    const rooms = new Set(edges.flatMap(([a, b]) => [room(a), room(b)]));
    for (const entry of readdirSync(FUNCTIONS)) if (!entry.endsWith('.test.ts')) rooms.add(room(entry));
    expect([...rooms].filter((r) => !floorOf.has(r)).sort()).toEqual([]);
  });

  it('has no import running back up: every room imports only rooms on lower floors', () => {
    const upward = edges
      .filter(([a, b]) => room(a) !== room(b))
      .filter(([a, b]) => (floorOf.get(room(b)) ?? Infinity) >= (floorOf.get(room(a)) ?? -1))
      .map(([a, b]) => `${a} -> ${b}`);
    expect(upward).toEqual([]);
  });

  it('has no file that reaches itself through its imports, inside a folder either', () => {
    expect(cycles(fileGraph(edges))).toEqual([]);
  });

  it('reads the imports it judges: the worker reaches the EC2 layer and the root', () => {
    // Without this, a reader that found no imports at all would pass every test above.
    const workerTargets = new Set(edges.filter(([a]) => room(a) === 'worker').map(([, b]) => room(b)));
    expect(workerTargets).toContain('ec2');
    expect(workerTargets).toContain('root');
  });
});
