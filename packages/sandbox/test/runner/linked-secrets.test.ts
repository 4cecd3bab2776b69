import { execFile } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { linkedSecretVariables } from '@ec2ops/sandbox/runner/handler-env';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * The handlers' `linkedSecret` against SST's real runtime SDK, each case in a fresh `node`
 * process: SST's `Resource` reads its links once per process, as a Lambda cold start does.
 */
const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const SECRETS_MODULE = pathToFileURL(join(ROOT, 'packages', 'functions', 'src', 'secrets.ts')).href;
const READ_BOTH = `
  import { linkedSecret } from ${JSON.stringify(SECRETS_MODULE)};
  const read = (name) => linkedSecret(name) ?? null;
  process.stdout.write(JSON.stringify({
    SlackBotToken: read('SlackBotToken'),
    SlackSigningSecret: read('SlackSigningSecret'),
  }));`;

/** This process's environment without anything SST or Slack, plus `vars`. */
function cleanEnv(vars: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(SST_|SLACK_)/.test(name)),
  );
  return { ...env, ...vars };
}

async function secretsSeenBy(vars: Record<string, string>) {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', READ_BOTH],
    { cwd: ROOT, env: cleanEnv(vars), encoding: 'utf8' },
  );
  return JSON.parse(stdout) as Record<string, string | null>;
}

/** `resource.enc` as `sst deploy` writes it into a bundle: the links as JSON, AES-256-GCM, zero nonce, tag last. */
function encryptLinks(links: Record<string, unknown>, key: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.alloc(12, 0));
  return Buffer.concat([cipher.update(JSON.stringify(links)), cipher.final(), cipher.getAuthTag()]);
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ec2ops-linked-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('linked secrets', () => {
  it('reach the handlers from the variables the sandbox runner sets, through SST’s Resource', async () => {
    const vars = linkedSecretVariables('sandbox', {
      SlackBotToken: 'xoxb-linked',
      SlackSigningSecret: 'signing-linked',
    });
    expect(await secretsSeenBy(vars)).toEqual({
      SlackBotToken: 'xoxb-linked',
      SlackSigningSecret: 'signing-linked',
    });
  });

  it('reach a deployed function from the encrypted resource.enc in its bundle, only those it links', async () => {
    const key = randomBytes(32);
    const file = join(dir, 'resource.enc');
    await writeFile(
      file,
      encryptLinks({ SlackBotToken: { value: 'xoxb-deployed', type: 'sst.sst.Secret' } }, key),
    );
    // What a job function's configuration holds: the key and the file, never the token.
    const vars = {
      SST_RESOURCE_App: JSON.stringify({ name: 'ec2ops', stage: 'dev' }),
      SST_KEY: key.toString('base64'),
      SST_KEY_FILE: file,
    };
    expect(await secretsSeenBy(vars)).toEqual({ SlackBotToken: 'xoxb-deployed', SlackSigningSecret: null });
  });

  it('stop the cold start when resource.enc does not decrypt, rather than run without them', async () => {
    const file = join(dir, 'resource.enc');
    await writeFile(file, encryptLinks({ SlackBotToken: { value: 'x' } }, randomBytes(32)));
    await expect(
      secretsSeenBy({ SST_KEY: randomBytes(32).toString('base64'), SST_KEY_FILE: file }),
    ).rejects.toThrow(/unable to authenticate/);
  });

  it('are not taken from plain SLACK_BOT_TOKEN / SLACK_SIGNING_SECRET variables', async () => {
    expect(await secretsSeenBy({ SLACK_BOT_TOKEN: 'xoxb-plain', SLACK_SIGNING_SECRET: 'plain' })).toEqual({
      SlackBotToken: null,
      SlackSigningSecret: null,
    });
  });
});
