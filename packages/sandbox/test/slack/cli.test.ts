import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main';
import { DEV_SIGNING_SECRET } from '../../src/slack/dev-secret';
import { type SlackEmulator, startSlackEmulator } from '../../src/slack/emulator';
import { captureOutput } from '../cli/capture-output';

let emulator: SlackEmulator;
let app: Server;
let appOrigin: string;
let stateDir: string;
const received: Array<Record<string, string>> = [];

/**
 * A tiny stand-in for the sandbox's slack handler: verifies the signature with the development
 * secret, acks, then answers twice through the response_url like the worker would.
 */
function fakeApp(): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const ts = String(req.headers['x-slack-request-timestamp']);
      const expected = `v0=${createHmac('sha256', DEV_SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex')}`;
      if (req.url !== '/slack/events' || req.headers['x-slack-signature'] !== expected) {
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end('invalid signature');
        return;
      }
      const form = Object.fromEntries(new URLSearchParams(body));
      received.push(form);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ response_type: 'ephemeral', text: 'Working on `help`…' }));
      if (form['text'] === 'silent') return;
      if (form['text'] === 'once') {
        setTimeout(() => {
          void fetch(form['response_url'] as string, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ text: 'the one and only answer' }),
          });
        }, 50);
        return;
      }
      const reply = (payload: unknown) =>
        fetch(form['response_url'] as string, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(payload),
        });
      setTimeout(async () => {
        await reply({
          blocks: [
            { type: 'header', text: { type: 'plain_text', text: 'ec2ops help' } },
            { type: 'section', text: { type: 'mrkdwn', text: 'Hi <@UADMIN>, try `/ec2 list`' } },
            {
              type: 'section',
              fields: [
                { type: 'mrkdwn', text: '*launch*' },
                { type: 'mrkdwn', text: 'start an instance' },
              ],
            },
            { type: 'context', elements: [{ type: 'mrkdwn', text: 'role: admin' }] },
            {
              type: 'actions',
              elements: [{ type: 'button', action_id: 'more', text: { type: 'plain_text', text: 'More' } }],
            },
          ],
          // The hourglass says "this message will be updated": the CLI waits for the next one.
          text: ':hourglass_flowing_sand: ec2ops help',
        });
        await reply({ text: 'done &amp; dusted', replace_original: true });
      }, 50);
    });
  });
}

beforeAll(async () => {
  emulator = await startSlackEmulator();
  app = fakeApp();
  await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  appOrigin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  stateDir = await mkdtemp(join(tmpdir(), 'ec2ops-cli-'));
  await writeFile(
    join(stateDir, 'endpoints.json'),
    JSON.stringify({ console: appOrigin, slack: appOrigin, slackApi: emulator.apiUrl, ec2: '', sqs: '' }),
  );
});
afterAll(async () => {
  await new Promise<void>((resolve) => app.close(() => resolve()));
  await emulator.close();
  await rm(stateDir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe('ec2ops slack', () => {
  it('sends a signed slash command to the sandbox in endpoints.json and prints ack and replies as text', async () => {
    const io = captureOutput();
    const code = await main([
      'slack',
      '/ec2 help',
      '--user',
      'UADMIN',
      '--state',
      stateDir,
      '--wait',
      '5',
      '--settle',
      '200',
    ]);
    expect(io.err()).toBe('');
    expect(code).toBe(0);
    expect(received.at(-1)).toMatchObject({
      command: '/ec2',
      text: 'help',
      user_id: 'UADMIN',
      channel_id: 'C0EC2OPS',
    });
    const out = io.out();
    expect(out).toContain('HTTP 200');
    expect(out).toContain('Working on `help`…');
    expect(out).toContain('── reply 1 · ephemeral ──');
    expect(out).toContain('EC2OPS HELP');
    expect(out).toContain('Hi @UADMIN, try `/ec2 list`');
    expect(out).toMatch(/\*launch\*\s+start an instance/);
    expect(out).toContain('role: admin');
    expect(out).toContain('[More]');
    expect(out).toContain('── reply 2 · ephemeral · replaces the earlier message ──');
    expect(out).toContain('done & dusted');
    // The replies landed in the shared emulator, for the console to show.
    expect(emulator.workspace.ephemerals({ user: 'UADMIN' }).at(-1)?.text).toBe('done &amp; dusted');
  });

  it('prints JSON with --json', async () => {
    const io = captureOutput();
    const code = await main([
      'slack',
      '/ec2 help',
      '--state',
      stateDir,
      '--wait',
      '5',
      '--settle',
      '200',
      '--json',
    ]);
    expect(code).toBe(0);
    const parsed = JSON.parse(io.out()) as { ack: { status: number }; replies: Array<{ outcome: string }> };
    expect(parsed.ack.status).toBe(200);
    expect(parsed.replies.map((r) => r.outcome)).toEqual(['ok', 'ok']);
  });

  it('works with --url alone, receiving replies in a private emulator', async () => {
    const io = captureOutput();
    const code = await main([
      'slack',
      '/ec2 help',
      '--url',
      `${appOrigin}/slack/events`,
      '--state',
      join(stateDir, 'missing'),
      '--wait',
      '5',
      '--settle',
      '200',
    ]);
    expect(code).toBe(0);
    expect(io.out()).toContain('done & dusted');
  });

  it('exits 1 and shows the refusal when the signature is wrong', async () => {
    const io = captureOutput();
    const code = await main([
      'slack',
      '/ec2 help',
      '--state',
      stateDir,
      '--secret',
      'not-the-secret',
      '--wait',
      '1',
    ]);
    expect(code).toBe(1);
    expect(io.out()).toContain('HTTP 401');
    expect(io.out()).toContain('invalid signature');
  });

  it('reads the secret from SLACK_SIGNING_SECRET', async () => {
    vi.stubEnv('SLACK_SIGNING_SECRET', 'from-env');
    const io = captureOutput();
    const code = await main(['slack', '/ec2 help', '--state', stateDir, '--wait', '0']);
    vi.unstubAllEnvs();
    expect(code).toBe(1);
    expect(io.out()).toContain('HTTP 401');
  });

  it('returns at the final reply without waiting for replies to settle', async () => {
    const io = captureOutput();
    // With a minute to settle, only seeing that the reply is final lets it return.
    const code = await main(['slack', '/ec2 once', '--state', stateDir, '--wait', '60', '--settle', '60000']);
    expect(code).toBe(0);
    expect(io.out()).toContain('── reply 1 · ephemeral ──');
    expect(io.out()).toContain('the one and only answer');
  });

  it('says so when no reply arrives before --wait', async () => {
    const io = captureOutput();
    const code = await main(['slack', '/ec2 silent', '--state', stateDir, '--wait', '0.3']);
    expect(code).toBe(0);
    expect(io.out()).toContain('(no reply at the response_url within 0.3 s)');
  });

  it('explains what to do when there is no sandbox to talk to', async () => {
    const io = captureOutput();
    const code = await main(['slack', '/ec2 help', '--state', join(stateDir, 'missing')]);
    expect(code).toBe(1);
    expect(io.err()).toContain('error slack.no_url');
    expect(io.err()).toContain('npm start');
  });

  it('refuses text that is not a slash command', async () => {
    const io = captureOutput();
    const code = await main(['slack', 'ec2 help', '--state', stateDir]);
    expect(code).toBe(1);
    expect(io.err()).toContain('slack.not_a_command');
  });
});
