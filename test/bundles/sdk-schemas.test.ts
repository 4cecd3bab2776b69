import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { literalSchemaKeys } from '../../infra/bundle-plugins.mjs';
import { HANDLERS, handlerFile } from '../../infra/functions';
import { bundleEntry, bundleFunction } from '../../scripts/function-bundles';

/**
 * infra/bundle-plugins.mjs writes the computed keys of the AWS SDK's schema modules as string
 * literals so that esbuild can leave out the schemas of operations a function never calls.
 */
const EC2_SCHEMAS = 'node_modules/@aws-sdk/client-ec2/dist-es/schemas/schemas_0.js';

const ec2SchemaBytes = (bundle: Awaited<ReturnType<typeof bundleFunction>>) =>
  Object.values(bundle.metafile.outputs)
    .map((output) => output.inputs[EC2_SCHEMAS]?.bytesInOutput ?? 0)
    .reduce((a, b) => a + b, 0);

describe('EC2 schemas in the function bundles', () => {
  it('a job carries only the schemas of the few EC2 operations it calls', async () => {
    expect(ec2SchemaBytes(await bundleFunction('eip-cleanup'))).toBeLessThan(50_000);
  });

  it('the worker, which calls dozens, carries a fraction of them', async () => {
    expect(ec2SchemaBytes(await bundleFunction('worker'))).toBeLessThan(200_000);
  });

  it('while the same job bundled without the plugin carries them all (the checks above can fail)', async () => {
    const { metafile } = await bundleEntry(handlerFile(HANDLERS['eip-cleanup']));
    const bytes = Object.values(metafile.outputs).map((o) => o.inputs[EC2_SCHEMAS]?.bytesInOutput ?? 0);
    expect(Math.max(...bytes)).toBeGreaterThan(500_000);
  });
});

const dir = mkdtempSync(join(tmpdir(), 'ec2ops-sdk-schemas-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The EC2 schema module's exports, bundled with the given plugins and imported. */
async function ec2Schemas(name: string, plugins: Plugin[]): Promise<Record<string, unknown>> {
  const outfile = join(dir, `${name}.mjs`);
  const schemas = createRequire(import.meta.url).resolve(`../../${EC2_SCHEMAS}`);
  await build({
    stdin: { contents: `export * from ${JSON.stringify(schemas)};`, resolveDir: dir, loader: 'js' },
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    logLevel: 'silent',
    plugins,
  });
  return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
}

/**
 * A schema as plain data: a thunk (`() => Other$`) is written as the name of the export it
 * returns, so that two module instances compare equal when their schemas are the same.
 */
function plain(value: unknown, names: Map<unknown, string>): unknown {
  if (typeof value === 'function') {
    const target = (value as () => unknown)();
    return `→ ${names.get(target) ?? (typeof target === 'object' ? JSON.stringify(plain(target, names)) : String(target))}`;
  }
  if (Array.isArray(value)) return value.map((item) => plain(item, names));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v, names)]));
  }
  return value;
}

const asData = (module: Record<string, unknown>) => {
  const names = new Map(Object.entries(module).map(([name, value]) => [value, name]));
  return Object.fromEntries(
    Object.entries(module)
      .filter(([name]) => name.endsWith('$'))
      .map(([name, value]) => [name, plain(value, names)]),
  );
};

describe('the schemas with literal keys', () => {
  it('are the same schemas, trait for trait, as the SDK wrote them', async () => {
    const original = asData(await ec2Schemas('original', []));
    const literal = asData(await ec2Schemas('literal', [literalSchemaKeys]));
    expect(Object.keys(original).length).toBeGreaterThan(3000);
    expect(literal).toEqual(original);
    // A member's traits survive, keyed by their names (ec2QueryName, xmlName).
    expect(JSON.stringify(original['Instance$'])).toContain('"ec2QueryName":"InstanceId"');
  });
});
