import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { eventually, interrupt, type Running, readyEndpoints, runCli } from './cli';

const dirs: string[] = [];
const running: Running[] = [];

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ec2ops-sandbox-'));
  dirs.push(dir);
  return dir;
}

function start(args: string[]): Running {
  const run = runCli(['sandbox', ...args]);
  running.push(run);
  return run;
}

afterEach(async () => {
  for (const run of running.splice(0)) {
    if (run.child.exitCode === null) {
      run.child.kill('SIGKILL');
      await run.exited;
    }
  }
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Instance ids in the EC2 emulator's state file (whatever its layout, ids start with i-). */
function instanceIds(dir: string): string[] {
  const text = readFileSync(join(dir, 'ec2.json'), 'utf8');
  return [...new Set(text.match(/"i-[0-9a-f]{17}"/g) ?? [])].sort();
}

describe('ec2ops sandbox', () => {
  it('starts, writes its endpoints, answers ec2ops slack, stops on Ctrl-C and keeps its state across a restart', async () => {
    const dir = stateDir();
    const first = start(['--port', '0', '--state', dir]);
    const endpoints = await readyEndpoints(first, dir);
    expect(Object.keys(endpoints).sort()).toEqual(['console', 'ec2', 'slack', 'slackApi', 'sqs']);
    expect(endpoints.slack).toBe(`${endpoints.console}slack/events`);
    expect(first.output()).toContain(endpoints.console);
    expect(first.output()).toContain('new account seeded');
    expect(first.output()).toMatch(/Signing secret \(development/);

    // It says how long it took (start-up speed is measured by `npm run bench`, not here).
    expect(first.output()).toMatch(/ready in \d+ ms/);
    const page = await fetch(endpoints.console);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app">');

    const slack = runCli(['slack', '/ec2 help', '--user', 'UOPERATOR', '--state', dir, '--wait', '60']);
    expect(await slack.exited).toBe(0);
    expect(slack.output()).toContain('HTTP 200');
    expect(slack.output()).toMatch(/reply 1/);
    expect(slack.output()).toMatch(/ec2ops commands/i);

    const list = runCli(['slack', '/ec2 list', '--user', 'UOPERATOR', '--state', dir, '--wait', '60']);
    expect(await list.exited).toBe(0);
    expect(list.output()).toContain('web-1');
    expect(list.output()).toContain('scratch-omar');

    const seeded = instanceIds(dir);
    expect(seeded.length).toBeGreaterThanOrEqual(5);
    const moved = await fetch(`${endpoints.console}console/api/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 86_400_000 }),
    });
    expect(moved.status).toBe(200);
    expect(await interrupt(first)).toBe(0);
    expect(first.output()).toContain('Stopped.');

    const second = start(['--port', '0', '--state', dir]);
    const again = await readyEndpoints(second, dir);
    expect(second.output()).not.toContain('new account seeded');
    expect(instanceIds(dir)).toEqual(seeded);
    // The sandbox clock is part of the state: a day moved stays moved.
    const snapshot = (await (await fetch(`${again.console}console/api/snapshot?user=UOPERATOR`)).json()) as {
      clockOffsetMs: number;
    };
    expect(snapshot.clockOffsetMs).toBeGreaterThanOrEqual(86_400_000);
    expect(await interrupt(second)).toBe(0);
  }, 500_000); // two starts and two commands: the longest case, on a busy machine

  it('says clearly when the port it was given is taken', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as AddressInfo).port;
    try {
      const run = start(['--port', String(port), '--state', stateDir()]);
      expect(await run.exited).toBe(1);
      expect(run.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(run.output()).toMatch(/--port/);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  }, 240_000);

  it('stops on SIGTERM too', async () => {
    const dir = stateDir();
    const run = start(['--port', '0', '--state', dir, '--no-schedule']);
    await readyEndpoints(run, dir);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    await eventually(
      () => 'the stop message',
      () => (run.output().includes('Stopped.') ? true : undefined),
    );
  }, 240_000);
});
