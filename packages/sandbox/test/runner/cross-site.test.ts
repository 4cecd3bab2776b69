import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../src/runner/sandbox';

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ec2ops-cross-site-'));
  sandbox = await startSandbox({ port: 0, stateDir: dir, schedule: false, log: () => {} });
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** What a foreign web page can send without a preflight: a text/plain POST, with its Origin. */
const post = (url: string, body: unknown, headers: Record<string, string>) =>
  fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });

const EVIL = { origin: 'https://evil.example', 'content-type': 'text/plain;charset=UTF-8' };
const NO_ORIGIN_PLAIN = { 'content-type': 'text/plain;charset=UTF-8' };

/** Every state-changing endpoint a page could aim at, with a body that would change something. */
const targets = () => {
  const slackControl = `${sandbox.endpoints.slackApi.replace(/\/+$/, '').replace(/\/api$/, '')}/_emulator/command`;
  return [
    {
      name: 'console API (a command as UADMIN)',
      url: `${sandbox.endpoints.console}console/api/command`,
      body: { user: 'UADMIN', channel: 'C0EC2OPS', text: '/ec2 launch al2023' },
    },
    {
      name: 'EC2 emulator control (move the clock)',
      url: `${sandbox.endpoints.ec2.replace(/\/+$/, '')}/_emulator/clock/advance`,
      body: { seconds: 86_400 },
    },
    {
      name: 'Slack emulator control (a command as UADMIN)',
      url: slackControl,
      body: { user: 'UADMIN', channel: 'C0EC2OPS', text: '/ec2 launch al2023' },
    },
  ];
};

/** What such a request could change: the EC2 clock, the instances, and every channel's messages. */
async function observable(): Promise<string> {
  await sandbox.sqs.drain();
  const clock = await (await fetch(`${sandbox.endpoints.ec2.replace(/\/+$/, '')}/_emulator/clock`)).json();
  const snap = (await (
    await fetch(`${sandbox.endpoints.console}console/api/snapshot?user=UADMIN`)
  ).json()) as {
    clockOffsetMs: number;
    messages: unknown;
    views: unknown;
    account: { instances: { id: string }[] };
  };
  return JSON.stringify({
    ec2Clock: (clock as { offsetMs: number }).offsetMs,
    sandboxClock: snap.clockOffsetMs,
    messages: snap.messages,
    views: snap.views,
    // Ids only: seeded instances move from pending to running on their own meanwhile.
    instances: snap.account.instances.map((i) => i.id).sort(),
  });
}

describe('the sandbox refuses cross-site requests to its console and control endpoints', () => {
  for (const [what, headers, status] of [
    ['a text/plain POST from a foreign Origin gets 403', EVIL, 403],
    [
      'the same request as JSON but from a foreign Origin gets 403 too',
      { ...EVIL, 'content-type': 'application/json' },
      403,
    ],
    ['a body that is not sent as application/json gets 415, whoever sends it', NO_ORIGIN_PLAIN, 415],
  ] as const) {
    it(`${what}, and changes nothing`, async () => {
      const before = await observable();
      for (const target of targets()) {
        const res = await post(target.url, target.body, headers);
        expect({ target: target.name, status: res.status }).toEqual({ target: target.name, status });
      }
      expect(await observable()).toBe(before);
    });
  }

  it('the console page itself (its own Origin, JSON) is served', async () => {
    const own = new URL(sandbox.endpoints.console).origin;
    const res = await post(
      `${sandbox.endpoints.console}console/api/clock/advance`,
      { ms: 60_000 },
      { origin: own, 'content-type': 'application/json' },
    );
    expect(res.status).toBe(200);
  });
});
