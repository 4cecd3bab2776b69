import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface ErrorCodeUse {
  code: string;
  /** `path:line` of the literal. */
  at: string;
}

/**
 * Every error code the code base hands to an ec2ops error: the first string argument of
 * `new SomethingError('code', …)` and of `super('code', …)` inside a class extending an error.
 * Read with the TypeScript parser, so line breaks and formatting do not hide a use.
 */
export function errorCodeUses(): ErrorCodeUse[] {
  const sources = parsedSources();
  const classes = ec2opsErrorClasses(sources);
  const uses: ErrorCodeUse[] = [];
  for (const source of sources) {
    const file = source.fileName;
    const visit = (node: ts.Node): void => {
      const first = codeArgument(node, classes);
      if (first && ts.isStringLiteralLike(first)) {
        const line = source.getLineAndCharacterOfPosition(first.getStart(source)).line + 1;
        uses.push({ code: first.text, at: `${file}:${line}` });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return uses;
}

/**
 * Every string literal of the same sources. A code can also be named as data the compiler checks
 * against the catalog (`APPROVAL_CODES.expired`, a `[code, hint]` table): it is in use then too.
 */
export function stringLiterals(): Set<string> {
  const found = new Set<string>();
  // The catalog itself names every code; it does not count as a use.
  for (const source of parsedSources().filter((s) => !s.fileName.endsWith('error-codes.ts'))) {
    const visit = (node: ts.Node): void => {
      if (ts.isStringLiteralLike(node)) found.add(node.text);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

function parsedSources(): ts.SourceFile[] {
  const files = [
    'packages/core/src',
    'packages/functions/src',
    'packages/sandbox/src',
    'packages/sandbox/bin',
    'infra',
  ]
    .flatMap((dir) => sourceFiles(join(ROOT, dir)))
    .map((path) => relative(ROOT, path));
  return files.map((file) =>
    ts.createSourceFile(file, readFileSync(`${ROOT}/${file}`, 'utf8'), ts.ScriptTarget.Latest, true),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

/** Ec2opsError and every class that extends it, directly or through another (by class name). */
function ec2opsErrorClasses(sources: ts.SourceFile[]): Set<string> {
  const bases = new Map<string, string>();
  for (const source of sources) {
    const visit = (node: ts.Node): void => {
      const base = ts.isClassDeclaration(node) ? baseName(node) : undefined;
      if (ts.isClassDeclaration(node) && node.name && base) bases.set(node.name.text, base);
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  const found = new Set(['Ec2opsError']);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, base] of bases) {
      if (found.has(base) && !found.has(name)) {
        found.add(name);
        grew = true;
      }
    }
  }
  // ConfigError fixes its own code (`config.invalid`); its first argument is the message.
  found.delete('ConfigError');
  return found;
}

function baseName(node: ts.ClassLikeDeclaration): string | undefined {
  const base = node.heritageClauses?.[0]?.types[0]?.expression;
  return base && ts.isIdentifier(base) ? base.text : undefined;
}

/** ec2ops' own code shape: lower-case dotted, `launch.type-unknown` (EC2's and Slack's differ). */
const OWN_CODE = /^[a-z][a-z0-9-]*(\.[a-z0-9_-]+)+$/;

function codeArgument(node: ts.Node, classes: Set<string>): ts.Expression | undefined {
  // `{ code: 'launch.type-too-large', … }`: a refusal handed on as data, thrown later.
  if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name) && node.name.text === 'code') {
    const value = node.initializer;
    return ts.isStringLiteralLike(value) && OWN_CODE.test(value.text) ? value : undefined;
  }
  // `fail('command.duplicate', …)`: a parser's local thrower.
  if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'fail') {
    return node.arguments[0];
  }
  if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && classes.has(node.expression.text)) {
    return node.arguments?.[0];
  }
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.SuperKeyword) {
    const owner = enclosingClass(node);
    const base = owner && baseName(owner);
    if (base && classes.has(base)) return node.arguments[0];
  }
  return undefined;
}

function enclosingClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let at: ts.Node | undefined = node.parent; at; at = at.parent) if (ts.isClassLike(at)) return at;
  return undefined;
}
