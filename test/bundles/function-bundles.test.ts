import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { JOB_NAMES } from '@ec2ops/core/jobs';
import { linkedSecretVariables } from '@ec2ops/sandbox/runner/handler-env';
import type { Metafile } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { signedEvent } from '../../bench/fixtures/signed-slash-command';
import { HANDLERS, handlerFile } from '../../infra/functions';
import { bundleEntry, bundleFunction, FUNCTION_NAMES, ROOT } from '../../scripts/function-bundles';

/**
 * What goes into each function's bundle, built as SST builds it (scripts/function-bundles.ts),
 * read from esbuild's metafile.
 */
/** What a function's handler needs at import, as on Lambda. */
const BUNDLE_ENV = {
  ...linkedSecretVariables('test', { SlackBotToken: 'xoxb-test', SlackSigningSecret: 'test-secret' }),
  QUEUE_URL: 'http://127.0.0.1:1/000000000000/ec2ops-requests',
  EC2OPS_CONFIG: JSON.stringify({ stage: 'test', roles: { users: { UOPERATOR: 'operator' } } }),
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  LOG_LEVEL: 'silent',
};

const from = (inputs: string[], fragment: string) => inputs.filter((path) => path.includes(fragment));

describe('each job function bundles only its own job', () => {
  it.each(JOB_NAMES)('the %s bundle holds its job and no other job', async (job) => {
    const { inputs } = await bundleFunction(job);
    expect(from(inputs, `packages/functions/src/jobs/${job}.ts`)).toHaveLength(1);
    for (const other of JOB_NAMES.filter((name) => name !== job)) {
      expect(from(inputs, `packages/functions/src/jobs/${other}.ts`)).toEqual([]);
      expect(from(inputs, `packages/functions/src/jobs/${other}-ec2.ts`)).toEqual([]);
    }
    expect(from(inputs, 'packages/functions/src/jobs/registry.ts')).toEqual([]);
  });
});

/**
 * Node's own modules a bundle imports as ESM: each makes Node build a facade that loads the
 * module's lazy exports at start (undici for node:http, streams for node:fs).
 */
const esmBuiltinImports = (metafile: Metafile) =>
  Object.values(metafile.outputs)
    .flatMap((output) => output.imports)
    .filter((i) => i.kind === 'import-statement' && isBuiltin(i.path))
    .map((i) => i.path);

describe('every function bundle', () => {
  it.each(FUNCTION_NAMES)(
    "%s requires Node's own modules rather than importing them as ESM",
    async (name) => {
      expect(esmBuiltinImports((await bundleFunction(name)).metafile)).toEqual([]);
    },
  );

  it('while the worker bundled without its plugins imports them as ESM (the check above can fail)', async () => {
    const { metafile } = await bundleEntry(handlerFile(HANDLERS.worker));
    expect(esmBuiltinImports(metafile)).not.toEqual([]);
  });
});

describe('split bundles (nodejs.splitting)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ec2ops-split-bundle-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leave what the worker imports only dynamically out of what its cold start reads', async () => {
    const bundle = await bundleFunction('worker', join(dir, 'worker.mjs'));
    // The SDK's credential providers for SSO, profiles and web identity: never used on Lambda.
    expect(bundle.totalBytes - bundle.bytes).toBeGreaterThan(50_000);
    expect(from(bundle.coldInputs, '@aws-sdk/credential-provider-sso/')).toEqual([]);
    // The Lambda SDK, loaded at the first `/ec2 forecast`.
    expect(from(bundle.inputs, '@aws-sdk/client-lambda/')).not.toEqual([]);
    expect(from(bundle.coldInputs, '@aws-sdk/client-lambda/')).toEqual([]);
    expect(from(bundle.coldInputs, 'packages/functions/src/worker/root.ts')).toHaveLength(1);
    // Every chunk, loaded or not at cold start, loads: its imports resolve next to it.
    const chunks = Object.keys(bundle.metafile.outputs).map((path) => pathToFileURL(join(ROOT, path)).href);
    expect(chunks.length).toBeGreaterThan(5);
    const script = `for (const chunk of ${JSON.stringify(chunks)}) await import(chunk); process.stdout.write('ok');`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, ...BUNDLE_ENV },
    });
    expect(out).toBe('ok');
  });
});

describe('the slack function bundle', () => {
  const unused = [
    'node_modules/@slack/bolt/dist/receivers/HTTPReceiver.js',
    'node_modules/@slack/bolt/dist/receivers/SocketModeReceiver.js',
    'node_modules/@slack/socket-mode/',
    'node_modules/undici/',
    'node_modules/raw-body/',
    'node_modules/iconv-lite/',
    'node_modules/@slack/oauth/',
    'node_modules/jsonwebtoken/',
  ];

  it('leaves out the Bolt receivers it never runs and what they pull in', async () => {
    const { inputs } = await bundleFunction('slack');
    expect(from(inputs, 'node_modules/@slack/bolt/dist/App.js')).toHaveLength(1);
    expect(from(inputs, 'node_modules/@slack/bolt/dist/receivers/AwsLambdaReceiver.js')).toHaveLength(1);
    expect(unused.flatMap((fragment) => from(inputs, fragment))).toEqual([]);
  });

  it('while the same entry bundled without its plugins has them all (the check above can fail)', async () => {
    const { inputs } = await bundleEntry(handlerFile(HANDLERS.slack));
    for (const fragment of unused) expect(from(inputs, fragment)).not.toEqual([]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'ec2ops-bundle-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('still answers a signed slash command when run from the bundle', async () => {
    const { file } = await bundleFunction('slack', join(dir, 'slack.mjs'));
    const secret = 'bundle-test-secret';
    const event = signedEvent('hlep', 'UOPERATOR', 1, secret);
    const script = `
      const { handler } = await import(${JSON.stringify(pathToFileURL(file!).href)});
      const result = await handler(${JSON.stringify(event)}, {});
      process.stdout.write(JSON.stringify(result));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: {
        ...process.env,
        ...BUNDLE_ENV,
        ...linkedSecretVariables('test', { SlackBotToken: 'xoxb-test', SlackSigningSecret: secret }),
      },
    });
    const result = JSON.parse(out) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(result.body).toContain('hlep');
  });
});
