// Builds the `ec2ops` CLI from its TypeScript sources into plain JavaScript under
// packages/sandbox/dist/cli/, one chunk per subcommand (esbuild code splitting), so a start
// compiles nothing and loads only the subcommand it runs. npm packages stay external (they
// are already JavaScript); the workspaces' own sources are bundled.
//
// Run by `npm install` (the root `prepare` script) and by bin/ec2ops.js whenever a source file
// changed since the last build. Each build goes to its own directory and is published by an
// atomic rename of current.json, so CLIs starting at the same time never see half a build.
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const sandboxDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = join(sandboxDir, 'dist', 'cli');
const currentFile = join(outRoot, 'current.json');
const entry = join(sandboxDir, 'src', 'cli', 'main.ts');
/** Old builds are removed once this old: a long-running sandbox may still load chunks from one. */
const KEEP_OLD_BUILDS_MS = 24 * 60 * 60 * 1000;

/** The published build: { entry, inputs: { file: mtimeMs } }, or undefined. */
export function currentBuild() {
  try {
    return JSON.parse(readFileSync(currentFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/** True when the build exists and none of its source files changed or vanished since. */
export function isFresh(build) {
  if (!build?.entry || !build.inputs) return false;
  try {
    for (const [file, mtimeMs] of Object.entries(build.inputs)) {
      if (statSync(file).mtimeMs !== mtimeMs) return false;
    }
    return statSync(build.entry).isFile();
  } catch {
    return false;
  }
}

// Sources find files next to themselves through import.meta.url (the console's assets); in a
// bundle that URL would name the chunk, so each source keeps its own.
const keepSourceUrls = {
  name: 'keep-source-urls',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return undefined;
      const url = JSON.stringify(pathToFileURL(args.path).href);
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

// npm packages are loaded from node_modules at run time; the workspaces (TypeScript) are bundled.
// A deep import without an extension (`@slack/bolt/dist/App`) works for a bundler but not for
// Node's ESM loader, so it is resolved here and kept external as the file it names — unless the
// package declares `exports`: then Node resolves the subpath itself, with its own conditions
// (esbuild would pick the `module` build, which Node cannot load: `@smithy/core/retry`).
function declaresExports(pkg, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    try {
      return (
        JSON.parse(readFileSync(join(dir, 'node_modules', pkg, 'package.json'), 'utf8')).exports !== undefined
      );
    } catch {
      if (dirname(dir) === dir) return false;
    }
  }
}

const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.path.startsWith('@ec2ops/') || args.pluginData === 'resolving') return undefined;
      const parts = args.path.split('/');
      const isDeep = parts.length > (args.path.startsWith('@') ? 2 : 1);
      if (!isDeep || args.path.startsWith('node:')) return { path: args.path, external: true };
      const pkg = parts.slice(0, args.path.startsWith('@') ? 2 : 1).join('/');
      if (declaresExports(pkg, args.resolveDir)) return { path: args.path, external: true };
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: 'resolving',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: resolved.path, external: true };
    });
  },
};

export async function buildCli() {
  const { build } = await import('esbuild');
  const buildDir = join(outRoot, `${Date.now().toString(36)}-${process.pid}`);
  const result = await build({
    entryPoints: { main: entry },
    outdir: buildDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    metafile: true,
    logLevel: 'warning',
    plugins: [keepSourceUrls, externalPackages],
  });
  // Only the workspaces' sources are inputs (packages are external); the build script and the
  // package manifest decide the output too.
  const files = [
    ...Object.keys(result.metafile.inputs).map((input) => resolve(process.cwd(), input)),
    fileURLToPath(import.meta.url),
    join(sandboxDir, 'package.json'),
  ];
  const inputs = Object.fromEntries(files.map((file) => [file, statSync(file).mtimeMs]));
  const published = { entry: join(buildDir, 'main.js'), builtAt: new Date().toISOString(), inputs };
  const temp = `${currentFile}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(published, null, 1)}\n`);
  renameSync(temp, currentFile);
  removeOldBuilds(buildDir);
  return published;
}

function removeOldBuilds(keep) {
  for (const name of readdirSync(outRoot)) {
    const dir = join(outRoot, name);
    if (dir === keep || name.endsWith('.json') || name.endsWith('.tmp')) continue;
    try {
      if (Date.now() - statSync(dir).mtimeMs > KEEP_OLD_BUILDS_MS)
        rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another CLI removed it first.
    }
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildCli();
  process.stdout.write(
    `ec2ops CLI built: ${relative(process.cwd(), built.entry)} from ${Object.keys(built.inputs).length} sources\n`,
  );
}
