import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleSnapshot, JobRunRecord } from '../../src/console/types';
import { type Sandbox, startSandbox } from '../../src/runner/sandbox';

let sandbox: Sandbox;
let dir: string;

async function api(path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.endpoints.console}console/api/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const snapshot = async (user: string) =>
  (await api(`snapshot?user=${user}`)).json as unknown as ConsoleSnapshot;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ec2ops-console-api-'));
  sandbox = await startSandbox({ port: 0, stateDir: dir, schedule: false, log: () => {} });
});

afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the console API', () => {
  it('serves the page, its bundle and its stylesheet without any network', async () => {
    const page = await fetch(sandbox.endpoints.console);
    expect(page.headers.get('content-type')).toContain('text/html');
    const js = await fetch(`${sandbox.endpoints.console}console/app.js`);
    expect(js.headers.get('content-type')).toContain('javascript');
    const bundle = await js.text();
    expect(bundle).not.toMatch(/https?:\/\/(cdn|unpkg|esm\.sh)/);
    expect((await fetch(`${sandbox.endpoints.console}console/app.css`)).status).toBe(200);
  });

  it('shows each person their own ephemeral replies and everyone the channel', async () => {
    expect((await api('command', { user: 'UVIEWER', channel: 'C0EC2OPS', text: '/ec2 help' })).status).toBe(
      200,
    );
    await sandbox.sqs.drain();
    const viewer = await snapshot('UVIEWER');
    const operator = await snapshot('UOPERATOR');
    const mine = viewer.messages['C0EC2OPS']!.filter((m) => m.ephemeral && m.command === '/ec2 help');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((m) => m.requestedBy === 'UVIEWER')).toBe(true);
    expect(operator.messages['C0EC2OPS']!.filter((m) => m.ephemeral)).toEqual([]);
    expect(operator.users.map((u) => `${u.id}:${u.role}`)).toEqual([
      'UVIEWER:viewer',
      'UOPERATOR:operator',
      'UADMIN:admin',
    ]);
    expect(operator.channels.map((c) => c.purpose)).toEqual(['commands', 'approvals', 'audit']);
    expect(operator.queue).toEqual({ waiting: 0, inFlight: 0, deadLetters: 0 });
  });

  it('answers a plain message with a hint instead of sending it anywhere', async () => {
    const { json } = await api('command', { user: 'UOPERATOR', channel: 'C0EC2OPS', text: 'hello' });
    expect(json['error']).toMatch(/slash commands/);
  });

  it('runs a job now with the dry-run asked for, and records it', async () => {
    const { status, json } = await api('jobs/port-sweep/run', { dryRun: true });
    expect(status).toBe(200);
    expect(json as unknown as JobRunRecord).toMatchObject({
      job: 'port-sweep',
      trigger: 'manual',
      dryRun: true,
      status: 'ok',
    });
    expect((await snapshot('UOPERATOR')).jobs.runs[0]?.id).toBe(json['id']);
  });

  it('keeps the dry-run toggle and pause until changed', async () => {
    await api('jobs/settings', { dryRunOverride: true, paused: true });
    expect((await snapshot('UOPERATOR')).jobs).toMatchObject({ dryRunOverride: true, paused: true });
    await api('jobs/settings', { dryRunOverride: null, paused: false });
    expect((await snapshot('UOPERATOR')).jobs).toMatchObject({ dryRunOverride: null, paused: false });
  });

  it('moves the clock forward only, and says what is wrong otherwise', async () => {
    const before = Date.parse((await snapshot('UOPERATOR')).now);
    const { json } = await api('clock/advance', { ms: 600_000 });
    expect(Date.parse(String(json['now'])) - before).toBeGreaterThanOrEqual(600_000);
    for (const ms of [0, -5, 'soon', 400 * 86_400_000]) {
      const refused = await api('clock/advance', { ms });
      expect(refused.status).toBe(400);
      expect(refused.json['error']).toMatch(/positive number/);
    }
  });

  it('refuses what it does not know with a status and a reason', async () => {
    expect((await api('jobs/no-such-job/run', {})).status).toBe(404);
    expect((await api('nope', {})).status).toBe(404);
    const bad = await api('command', '{not json');
    expect(bad.status).toBe(400);
    expect(bad.json['error']).toMatch(/JSON/);
    expect((await api('command', { user: 'UOPERATOR' })).status).toBe(400);
  });

  it('streams change notices to the page', async () => {
    const controller = new AbortController();
    const response = await fetch(`${sandbox.endpoints.console}console/api/events`, {
      signal: controller.signal,
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    await api('jobs/settings', { paused: false });
    let text = '';
    while (!text.includes('data:')) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toContain('"changed":true');
    controller.abort();
  });
});
