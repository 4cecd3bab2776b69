import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Each workspace package says what it is made of and what it offers: its package.json lists
 * every package its files import (so a package can be installed, bundled or moved on its own),
 * and its export map names each public entry (a file becomes public on purpose, never by a
 * `"./*"` that makes every file a deep-import target).
 */
const ROOT = join(import.meta.dirname, '../..');
const PACKAGES = ['core', 'functions', 'sandbox'];

interface PackageJson {
  name: string;
  exports: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const manifest = (pkg: string): PackageJson =>
  JSON.parse(readFileSync(join(ROOT, 'packages', pkg, 'package.json'), 'utf8'));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === 'node_modules' || entry.name === 'dist') return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Static imports and re-exports, side-effect imports, and `import('…')` with a literal name. */
function importedSpecifiers(text: string): string[] {
  const patterns = [
    /^\s*(?:import|export)\s[^;]*?\sfrom\s+'([^']+)'/gm,
    /^\s*import\s+'([^']+)'/gm,
    /\bimport\(\s*'([^']+)'\s*\)/g,
  ];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1]!));
}

const BUILTINS = new Set(builtinModules);

/** The npm package a bare specifier names; types-only packages by the package that holds their types. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
  if (BUILTINS.has(name)) return undefined;
  return name === 'aws-lambda' ? '@types/aws-lambda' : name;
}

describe('workspace packages', () => {
  for (const pkg of PACKAGES) {
    const json = manifest(pkg);
    const dir = join(ROOT, 'packages', pkg);

    it(`${json.name} declares every package its files import`, () => {
      const declared = new Set([
        json.name,
        ...Object.keys(json.dependencies ?? {}),
        ...Object.keys(json.devDependencies ?? {}),
      ]);
      const missing = sourceFiles(dir).flatMap((file) =>
        importedSpecifiers(readFileSync(file, 'utf8'))
          .map(packageOf)
          .filter((name): name is string => name !== undefined && !declared.has(name))
          .map((name) => `${relative(ROOT, file)}: ${name}`),
      );
      expect(missing).toEqual([]);
    });

    it(`${json.name} names each public entry in its export map (no wildcard)`, () => {
      const wildcards = Object.entries(json.exports).filter(
        ([key, target]) => key.includes('*') || target.includes('*'),
      );
      expect(wildcards).toEqual([]);
    });
  }

  it('reads imports the way the packages write them, so the first test cannot pass by finding none', () => {
    const functions = sourceFiles(join(ROOT, 'packages/functions/src'))
      .flatMap((file) => importedSpecifiers(readFileSync(file, 'utf8')))
      .map(packageOf);
    expect(functions).toContain('@aws-sdk/client-ec2');
    expect(functions).toContain('@ec2ops/core');
    expect(functions).toContain('@types/aws-lambda');
  });
});
