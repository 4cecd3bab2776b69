import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

/** What esbuild puts into a function's bundle (input paths). */
async function bundledInputs(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return Object.keys(result.metafile.inputs);
}

describe('the slack function bundle', () => {
  it('contains no EC2 client, no worker code and not the Bolt package index (Express, OAuth)', async () => {
    const inputs = await bundledInputs('packages/functions/src/slack/handler.ts');
    expect(inputs.some((p) => p.includes('packages/functions/src/slack/app.ts'))).toBe(true);
    expect(inputs.filter((p) => p.includes('@aws-sdk/client-ec2'))).toEqual([]);
    expect(inputs.filter((p) => p.includes('packages/functions/src/worker/'))).toEqual([]);
    expect(inputs.filter((p) => p.includes('node_modules/express/'))).toEqual([]);
  });
  it('takes only the linked-resource reader from sst, not its realtime, vector or AWS clients', async () => {
    const inputs = await bundledInputs('packages/functions/src/slack/handler.ts');
    const fromSst = inputs.filter((p) => p.includes('node_modules/sst/'));
    expect(fromSst.length).toBeGreaterThan(0);
    expect(fromSst.filter((p) => !p.includes('node_modules/sst/dist/resource/'))).toEqual([]);
    expect(inputs.filter((p) => p.includes('node_modules/aws4fetch/'))).toEqual([]);
  });
  it('while the worker bundle does contain the EC2 client (the check above can fail)', async () => {
    const inputs = await bundledInputs('packages/functions/src/worker/handler.ts');
    expect(inputs.some((p) => p.includes('@aws-sdk/client-ec2'))).toBe(true);
  });
});
