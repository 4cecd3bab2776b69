// esbuild plugins every function's bundle is built with (SST's `nodejs.plugins`, relative to
// sst.config.ts; also used by the bundle test and `npm run bench`).
//
// A static ESM `import … from 'node:http'` (the SDK's ESM builds have one for the instance
// metadata credentials) makes Node build the module's ESM facade, which reads every export of
// the module, lazy getters included: node:http's load undici, node:fs's its streams, a large
// share of a cold start for code nothing here runs. Through `require` the module object is
// returned as is and its lazy exports stay unloaded, so static imports of Node's own modules are
// turned into a CommonJS require of the same module.
import { readFile } from 'node:fs/promises';
import { isBuiltin } from 'node:module';

const MAYBE_BUILTIN = /^(node:)?[a-z_]+(\/[a-z_]+)?$/;
const NAMESPACE = 'ec2ops-required-builtin';

export const requireBuiltins = {
  name: 'require-builtins',
  setup(build) {
    build.onResolve({ filter: MAYBE_BUILTIN }, (args) =>
      args.kind === 'import-statement' && isBuiltin(args.path)
        ? { path: args.path, namespace: NAMESPACE }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
      loader: 'js',
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
    }));
  },
};

// Each AWS SDK client keeps its serialization schemas in one module of plain top-level
// declarations, so esbuild could drop those of the operations a function never calls. It keeps
// them all because their member traits are written with computed keys (`{ [_xN]: … }`, `_xN`
// being a string constant of the same module), and a computed key might run code when it is
// converted to a string. EC2's schemas are 1.3 MB: every function carried all of them (over half
// the worker's bundle and its cold start) for the handful of operations it calls. Each computed
// key naming one of the module's string constants is written as that string literal: the same
// objects, and declarations esbuild can tell are free of side effects.
const SDK_SCHEMAS = /[\\/]@aws-sdk[\\/].*[\\/]schemas[\\/]schemas_\d+\.js$/;
const STRING_CONSTANT = /^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm;
// A property key: after `{` or `,`, so that a member access followed by a colon is never one.
const COMPUTED_KEY = /([{,]\s*)\[(_\w+)\]:/g;

/** The schema module's source with every computed key that names a string constant made literal. */
export function literalSchemaKeySource(source) {
  const strings = new Map();
  for (const [, name, literal] of source.matchAll(STRING_CONSTANT)) strings.set(name, literal);
  return source.replace(COMPUTED_KEY, (key, before, name) =>
    strings.has(name) ? `${before}${strings.get(name)}:` : key,
  );
}

export const literalSchemaKeys = {
  name: 'literal-schema-keys',
  setup(build) {
    build.onLoad({ filter: SDK_SCHEMAS }, async (args) => ({
      loader: 'js',
      contents: literalSchemaKeySource(await readFile(args.path, 'utf8')),
    }));
  },
};

export default [requireBuiltins, literalSchemaKeys];
