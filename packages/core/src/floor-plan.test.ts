import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Core's floor plan, read from the source itself: building blocks at the bottom, config above
 * them, domains above config, commands on top. An import that runs back up a floor (a folder
 * importing a folder that imports it) is how the tangle this replaced started, so it fails here.
 */
const SRC = dirname(fileURLToPath(import.meta.url));

/** Bottom floor: no ec2ops domain knowledge, importable from anywhere in core. */
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

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The top-level room of a file: its first folder under src/, or the file's own name. */
const room = (path: string) => relative(SRC, path).split('/')[0]!.replace(/\.ts$/, '');

const files = sourceFiles(SRC).map((path) => ({ path, text: readFileSync(path, 'utf8') }));
const specifiers = (text: string) =>
  [...text.matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((m) => m[1]!);

const edges = new Map<string, Set<string>>();
for (const { path, text } of files) {
  for (const spec of specifiers(text).filter((s) => s.startsWith('.'))) {
    const from = room(path);
    const to = room(normalize(join(dirname(path), spec)));
    if (from === to || to === 'index') continue;
    if (!edges.has(from)) edges.set(from, new Set());
    edges.get(from)!.add(to);
  }
}

/** Every room reachable from `start`, following imports. */
function reachable(start: string): Set<string> {
  const seen = new Set<string>();
  const stack = [...(edges.get(start) ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    stack.push(...(edges.get(next) ?? []));
  }
  return seen;
}

describe("core's floor plan", () => {
  it('has no import running back up: no folder reaches itself through its imports', () => {
    const cyclic = [...edges.keys()].filter((r) => r !== 'index' && reachable(r).has(r));
    expect(cyclic).toEqual([]);
  });

  it('keeps building blocks free of domain imports', () => {
    const upward = [...BUILDING_BLOCKS].flatMap((block) =>
      [...(edges.get(block) ?? [])].filter((to) => !BUILDING_BLOCKS.has(to)).map((to) => `${block} -> ${to}`),
    );
    expect(upward).toEqual([]);
  });

  it('imports no AWS SDK, Slack SDK (its types only) or sst, and reads no process.env', () => {
    const offending = files.flatMap(({ path, text }) => {
      const found = specifiers(text).filter((s) =>
        /^(@aws-sdk\/|@smithy\/|@slack\/(?!types$)|sst($|\/))/.test(s),
      );
      if (/\bprocess\.env\b/.test(text)) found.push('process.env');
      return found.map((what) => `${relative(SRC, path)}: ${what}`);
    });
    expect(offending).toEqual([]);
  });
});
