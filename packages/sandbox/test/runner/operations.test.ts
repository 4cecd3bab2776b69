import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CREDENTIALS } from '../../src/iam/stage-policies';
import { type Sandbox, startSandbox } from '../../src/runner/sandbox';

/**
 * Operations offline. In the sandbox, `/ec2 open` makes its expiry schedule through the real worker and Scheduler
 * client, and moving the clock past the expiry closes the rule through that schedule while the
 * jobs (the port-sweep among them) are paused; and a test alarm reaches the ops channel.
 */
let sandbox: Sandbox;
let dir: string;
let ec2: EC2Client;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ec2ops-expiry-'));
  sandbox = await startSandbox({ port: 0, stateDir: dir, schedule: false, log: () => {} });
  ec2 = new EC2Client({
    endpoint: sandbox.endpoints.ec2,
    region: 'us-east-1',
    // The operator's own key (the emulator enforces each function's policy on the others).
    credentials: SANDBOX_CREDENTIALS,
  });
});

afterAll(async () => {
  ec2?.destroy();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rulesOn(groupId: string, port: number) {
  const out = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
  );
  return (out.SecurityGroupRules ?? []).filter((r) => !r.IsEgress && r.FromPort === port);
}

describe('operations in the sandbox', () => {
  it('moving the clock past an expiry closes the rule through its schedule, with the sweeper paused', async () => {
    const groups = await ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['ssh-on-request'] }] }),
    );
    const group = groups.SecurityGroups![0]!.GroupId!;
    sandbox.scheduler.paused = true;
    const response = await fetch(`${sandbox.endpoints.console}console/api/command`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        user: 'UOPERATOR',
        channel: 'C0EC2OPS',
        text: `/ec2 open 8022 on ${group} from office for 10m`,
      }),
    });
    expect(response.status).toBe(200);
    await sandbox.sqs.drain();
    // `office` is an IPv4 and an IPv6 block: two rules, a schedule each.
    const ids = (await rulesOn(group, 8022)).map((r) => r.SecurityGroupRuleId!);
    expect(ids).toHaveLength(2);
    const names = ids.map((id) => `expire-${id}`);
    expect(sandbox.schedules.list().map((s) => s.name)).toEqual(expect.arrayContaining(names));

    await sandbox.advanceClock(5 * 60_000);
    expect(await rulesOn(group, 8022)).toHaveLength(2);

    await sandbox.advanceClock(6 * 60_000);
    expect(await rulesOn(group, 8022)).toEqual([]);
    const results = sandbox.schedules.fired.filter((f) => names.includes(f.name)).map((f) => f.result);
    expect(results).toEqual(
      expect.arrayContaining(ids.map((ruleId) => ({ outcome: 'closed', ruleId, told: 'UOPERATOR' }))),
    );
    expect(sandbox.schedules.list().filter((s) => names.includes(s.name))).toEqual([]);
    expect(sandbox.scheduler.view().runs).toEqual([]);
  });

  it('a test alarm, then its recovery, lands in the ops channel through the real alarm handler', async () => {
    const fire = (body: unknown) =>
      fetch(`${sandbox.endpoints.console}_emulator/alarm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const before = sandbox.workspace.messages('C0EC2OPS').length;
    expect((await fire({ state: 'ALARM', description: 'page <!channel>' })).status).toBe(200);
    expect((await fire({ state: 'OK' })).status).toBe(200);
    const [alarm, recovery] = sandbox.workspace
      .messages('C0EC2OPS')
      .slice(before)
      .map((m) => JSON.stringify(m));
    expect(alarm).toContain('ec2ops-sandbox-TestAlarm is ALARM since');
    expect(alarm).toContain('page &lt;!channel&gt;');
    expect(recovery).toContain('ec2ops-sandbox-TestAlarm recovered (OK)');
    expect((await fire({ state: 'MAYBE' })).status).toBe(400);
    expect(sandbox.workspace.messages('C0EC2OPS').length).toBe(before + 2);
  });

  it('/ec2 status shows an alarm fired in the sandbox until it recovers, and a job run the console started', async () => {
    const status = async () => {
      const before = sandbox.workspace.ephemerals({ user: 'UVIEWER' }).length;
      const response = await fetch(`${sandbox.endpoints.console}console/api/command`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ user: 'UVIEWER', channel: 'C0EC2OPS', text: '/ec2 status' }),
      });
      expect(response.status).toBe(200);
      await sandbox.sqs.drain();
      const replies = sandbox.workspace.ephemerals({ user: 'UVIEWER' }).slice(before);
      return JSON.stringify(replies.at(-1));
    };
    const fire = (state: string) =>
      fetch(`${sandbox.endpoints.console}_emulator/alarm`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ state, name: 'ec2ops-sandbox-StatusCheck' }),
      });
    await sandbox.scheduler.runNow('eip-cleanup', true);
    expect((await fire('ALARM')).status).toBe(200);
    const open = await status();
    expect(open).toContain('*Alarms* (1 open)');
    expect(open).toContain('ec2ops-sandbox-StatusCheck');
    expect(open).toContain('*eip-cleanup* · last: :white_check_mark: 0m ago (dry run)');
    expect(open).toMatch(/\*requests\*: \d+ waiting/);

    expect((await fire('OK')).status).toBe(200);
    const recovered = await status();
    expect(recovered).toContain('none open');
    expect(recovered).not.toContain('ec2ops-sandbox-StatusCheck');
  });
});
