// esbuild plugins every function's bundle is built with (SST's `nodejs.plugins`, relative to
// sst.config.ts; also used by the bundle test and `npm run bench`).
//
// A static ESM `import … from 'node:http'` (the SDK's ESM builds have one for the instance
// metadata credentials) makes Node build the module's ESM facade, which reads every export of
// the module, lazy getters included: node:http's load undici, node:fs's its streams, a large
// share of a cold start for code nothing here runs. Through `require` the module object is
// returned as is and its lazy exports stay unloaded, so static imports of Node's own modules are
// turned into a CommonJS require of the same module.
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

export default [requireBuiltins];
