// esbuild plugins every function's bundle is built with (SST's `nodejs.plugins`, relative to
// sst.config.ts; also used by the bundle test and `npm run bench`).
//
// A static ESM `import … from 'node:http'` (the SDK's ESM builds have one for the instance
// metadata credentials) makes Node build the module's ESM facade, which reads every export of
// node:http, lazy getters included: that loads undici, a large share of a cold start, for a
// fetch nothing here makes. Through `require` the module object is returned as is and its lazy
// exports stay unloaded, so those imports are turned into a CommonJS require of the same module.
const HTTP_BUILTINS = /^(node:)?https?$/;
const NAMESPACE = 'ec2ops-required-builtin';

export const requireHttpBuiltins = {
  name: 'require-http-builtins',
  setup(build) {
    build.onResolve({ filter: HTTP_BUILTINS }, (args) =>
      args.kind === 'import-statement' ? { path: args.path, namespace: NAMESPACE } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: NAMESPACE }, (args) => ({
      loader: 'js',
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
    }));
  },
};

export default [requireHttpBuiltins];
