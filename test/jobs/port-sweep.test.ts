import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DescribeSecurityGroupRulesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { countCalls } from '@ec2ops/functions/ec2/call-counter';
import { tagsOf } from '@ec2ops/functions/ec2/tags';
import { runJob } from '@ec2ops/functions/jobs/registry';
import { main } from '@ec2ops/sandbox/cli/main';
import { functionCredentials } from '@ec2ops/sandbox/iam/stage-policies';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliSession } from '../support/cli-session';
import { type EipWorld, stageConfig, startWorld } from './eip-fixtures';

/** port-sweep against the EC2 emulator: the CLI with --now, failures counted on the rule, the stuck-rule log line. */
const NOW = new Date('2026-11-23T16:00:00.000Z');
const at = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

let world: EipWorld;
let ec2: EC2Client;
let group: string;
const cli = new CliSession();

beforeEach(async () => {
  world = await startWorld();
  ec2 = world.ec2('us-east-1');
  group = await accessGroup('jit');
});

/**
 * A stage with JIT access: its groups are the ones tagged access-group=true. The sweeper's
 * policy lets it revoke only on those groups (a stage without access groups grants no revoke).
 */
const sweepConfig = (access: Record<string, unknown> = {}) =>
  stageConfig({ access: { groups: { tags: { 'ec2ops:access-group': 'true' } }, ...access } });

/** A security group ec2ops may change: tagged access-group=true, as the stage's groups are. */
async function accessGroup(name: string): Promise<string> {
  const out = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: name,
      Description: name,
      TagSpecifications: [
        { ResourceType: 'security-group', Tags: [{ Key: 'ec2ops:access-group', Value: 'true' }] },
      ],
    }),
  );
  return out.GroupId!;
}
afterEach(async () => {
  cli.end();
  await world.close();
});

/** AuthorizeSecurityGroupIngress fixture: one rule on `port` from 198.51.100.<port%250>/32 with these tags. */
async function rule(port: number, tags: Record<string, string>): Promise<string> {
  const out = await ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: group,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: port,
          ToPort: port,
          IpRanges: [{ CidrIp: `198.51.100.${port % 250}/32` }],
        },
      ],
      ...(Object.keys(tags).length
        ? {
            TagSpecifications: [
              {
                ResourceType: 'security-group-rule',
                Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
              },
            ],
          }
        : {}),
    }),
  );
  return out.SecurityGroupRules![0]!.SecurityGroupRuleId!;
}
const managed = (expires: string) => ({
  'ec2ops:managed': 'true',
  'ec2ops:owner': 'U0123OWNER',
  'ec2ops:expires-at': expires,
});

async function ingress(): Promise<Map<string, Record<string, string>>> {
  const out = await ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [group] }] }),
  );
  return new Map(
    (out.SecurityGroupRules ?? [])
      .filter((r) => !r.IsEgress)
      .map((r) => [r.SecurityGroupRuleId!, tagsOf(r.Tags)]),
  );
}

describe('ec2ops job run port-sweep', () => {
  it('plans by default and closes with --apply, as if at --now; never an unmanaged or unexpired rule', async () => {
    const expired = await rule(2201, managed(at(-1)));
    const future = await rule(2202, managed(at(30)));
    const unmanaged = await rule(2203, { 'ec2ops:expires-at': at(-60) });
    const permanent = await rule(2204, {});
    cli.begin(world.emulator.url, world.cli('port-sweep'));
    expect(await main(['job', 'run', 'port-sweep', '--now', NOW.toISOString()])).toBe(0);
    expect(cli.out).toMatch(/would close 1/);
    expect([...(await ingress()).keys()].sort()).toEqual([expired, future, unmanaged, permanent].sort());

    cli.out = '';
    expect(await main(['job', 'run', 'port-sweep', '--apply', '--now', NOW.toISOString(), '--json'])).toBe(0);
    const report = JSON.parse(cli.out);
    expect(report.counts.byAction.revoke.done).toBe(1);
    expect([...(await ingress()).keys()].sort()).toEqual([future, unmanaged, permanent].sort());
  });

  it('counts failures on the rule, retries every run, and logs a stuck rule for the alarm', async () => {
    const stuck = await rule(3306, managed(at(-5)));
    const lines: Record<string, unknown>[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const config = sweepConfig({ maxCloseFailures: 2 });
    await fetch(`${world.emulator.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ spec: 'error-rate=1,error-codes=500,actions=RevokeSecurityGroupIngress' }),
    });
    // One attempt per call: the SDK's own retries of a 500 are not what this test is about.
    const once = new EC2Client({
      endpoint: world.emulator.url,
      region: 'us-east-1',
      credentials: functionCredentials('port-sweep'),
      maxAttempts: 1,
    });
    world.enforce(config);
    const run = () => runJob('port-sweep', { ec2: () => once, config, now: NOW, dryRun: false, log });
    for (const n of [1, 2, 3]) {
      const report = await run();
      expect(report.counts.failed).toBe(1);
      expect(report.lines[0]).toMatchObject({ id: stuck, status: 'failed' });
      expect(report.lines[0]!.message).toContain(`failed ${n} time`);
      expect((await ingress()).get(stuck)?.['ec2ops:close-failures']).toBe(String(n));
      // The report line the infra alarm's metric filter reads ($.report.counts.failed > 0).
      expect(lines.some((l) => (l['report'] as { counts?: { failed?: number } })?.counts?.failed === 1)).toBe(
        true,
      );
    }
    const alarms = lines.filter((l) => l['event'] === 'port-rule-not-closing');
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ level: 50, ruleId: stuck, groupId: group, failures: 3 });

    await fetch(`${world.emulator.url}/_emulator/faults`, { method: 'DELETE' });
    const report = await run();
    expect(report.sections.flatMap((s) => s.lines).join('\n')).toMatch(/failed to close 3 times/);
    expect(report.lines[0]).toMatchObject({ id: stuck, status: 'done' });
    expect((await ingress()).has(stuck)).toBe(false);
  });

  it('three sweeps at once end in the state one sweep leaves, each rule closed exactly once', async () => {
    const groups = [group];
    for (const name of ['jit-b', 'jit-c']) groups.push(await accessGroup(name));
    const expired: string[] = [];
    const kept: string[] = [];
    for (let i = 0; i < 45; i++) {
      group = groups[i % 3]!;
      if (i < 30) expired.push(await rule(5000 + i, managed(at(-1 - i))));
      else if (i < 40) kept.push(await rule(5000 + i, managed(at(1 + i))));
      else kept.push(await rule(5000 + i, { 'ec2ops:expires-at': at(-100) }));
    }
    const config = sweepConfig();
    const sweeper = world.as('port-sweep', config);
    const reports = await Promise.all(
      [1, 2, 3].map(() => runJob('port-sweep', { ec2: sweeper, config, now: NOW, dryRun: false })),
    );
    const left: string[] = [];
    for (const g of groups) {
      group = g;
      left.push(...(await ingress()).keys());
    }
    expect(left.sort()).toEqual([...kept].sort());
    const lines = reports.flatMap((r) => r.lines).filter((l) => l.action === 'revoke');
    expect(lines.every((l) => l.status === 'done' || l.status === 'skipped')).toBe(true);
    const closedBy = lines
      .filter((l) => l.status === 'done' && l.message.startsWith('closed'))
      .map((l) => l.id);
    expect(closedBy.sort()).toEqual([...expired].sort());
  });

  it('closes a bucket of groups at a time, re-reading each batch when its turn comes: an extension made meanwhile wins', async () => {
    const groups = [group, await accessGroup('jit-2'), await accessGroup('jit-3')];
    const rules: string[] = [];
    for (const [i, groupId] of groups.entries()) {
      const out = await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: `198.51.100.${i + 1}/32` }] },
          ],
          TagSpecifications: [
            {
              ResourceType: 'security-group-rule',
              Tags: Object.entries(managed(at(-5))).map(([Key, Value]) => ({ Key, Value })),
            },
          ],
        }),
      );
      rules.push(out.SecurityGroupRules![0]!.SecurityGroupRuleId!);
    }
    const config = sweepConfig();
    const sweeper = world.as('port-sweep', config)('us-east-1');
    const counter = countCalls(sweeper);
    let revokes = 0;
    const report = await runJob('port-sweep', {
      ec2: () =>
        new Proxy(sweeper, {
          get(target, prop, receiver) {
            if (prop !== 'send') return Reflect.get(target, prop, receiver);
            return async (command: { constructor: { name: string } }) => {
              const result = await target.send(command as never);
              // Once the first group is closed, the last rule's owner extends it.
              if (command.constructor.name === 'RevokeSecurityGroupIngressCommand' && ++revokes === 1) {
                await ec2.send(
                  new CreateTagsCommand({
                    Resources: [rules[2]!],
                    Tags: [{ Key: 'ec2ops:expires-at', Value: at(60) }],
                  }),
                );
              }
              return result;
            };
          },
        }),
      config,
      now: NOW,
      dryRun: false,
      // A bucket of one group that refills at once: three batches, without waiting.
      pacing: { burst: 1, perSecond: 100_000 },
    });
    expect(report.lines.map((l) => [l.id, l.status])).toEqual([
      [rules[0], 'done'],
      [rules[1], 'done'],
      [rules[2], 'skipped'],
    ]);
    expect(counter.calls).toEqual({ DescribeSecurityGroupRules: 4, RevokeSecurityGroupIngress: 2 });
    const left = await ec2.send(
      new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'security-group-rule-id', Values: rules }] }),
    );
    expect(left.SecurityGroupRules?.map((r) => r.SecurityGroupRuleId)).toEqual([rules[2]]);
  });

  it('treats a rule closed by someone else since the plan as already closed', async () => {
    const gone = await rule(4000, managed(at(-5)));
    const config = sweepConfig();
    const sweeper = world.as('port-sweep', config)('us-east-1');
    const report = await runJob('port-sweep', {
      ec2: () => {
        const client = sweeper;
        return new Proxy(client, {
          get(target, prop, receiver) {
            if (prop !== 'send') return Reflect.get(target, prop, receiver);
            return async (command: { constructor: { name: string } }) => {
              // Someone closes it between the plan and the re-read.
              if (
                command.constructor.name === 'DescribeSecurityGroupRulesCommand' &&
                (await ingress()).has(gone)
              ) {
                const result = await target.send(command as never);
                const { RevokeSecurityGroupIngressCommand } = await import('@aws-sdk/client-ec2');
                await ec2.send(
                  new RevokeSecurityGroupIngressCommand({ GroupId: group, SecurityGroupRuleIds: [gone] }),
                );
                return result;
              }
              return target.send(command as never);
            };
          },
        });
      },
      config,
      now: NOW,
      dryRun: false,
    });
    expect(report.lines[0]).toMatchObject({ id: gone, status: 'done', message: 'already closed' });
    expect(report.counts.failed).toBe(0);
  });
});
