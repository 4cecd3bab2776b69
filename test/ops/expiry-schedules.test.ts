import {
  CreateSecurityGroupCommand,
  DescribeSecurityGroupRulesCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import type { StageConfigInput } from '@ec2ops/core/config';
import { type ExpireDeps, expire } from '@ec2ops/functions/ops/expire';
import type { SchedulerEmulator } from '@ec2ops/sandbox/scheduler/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerTo } from '../slack/fixtures';
import { type Harness, TEST_CONFIG } from '../slack/harness';
import { EXPIRY_GROUP, expireDepsOver, startExpiryHarness } from './expiry-support';

/**
 * Expiry enforced twice: `/ec2 open` makes a one-time EventBridge Scheduler schedule per rule
 * (through the real Scheduler client, against the sandbox's emulator), extend moves it, close
 * deletes it, and the schedule alone closes the rule at its time — no port-sweep runs here.
 */
const CONFIG: StageConfigInput = {
  ...TEST_CONFIG,
  access: {
    groups: { tags: { 'ec2ops:access-group': 'true' } },
    sources: { office: ['203.0.113.0/24'] },
    maxDuration: '8h',
  },
};
const GROUP = EXPIRY_GROUP;

let h: Harness;
let scheduler: SchedulerEmulator;
let web: string;
/** The scheduler's clock runs ahead of real time by this much, to reach an expiry without waiting. */
let skewMs = 0;

let close: () => Promise<void>;

beforeAll(async () => {
  ({ h, scheduler, close } = await startExpiryHarness(CONFIG, () => Date.now() + skewMs, expireDeps));
  web = (
    await h.ec2Client.send(
      new CreateSecurityGroupCommand({
        GroupName: 'web',
        Description: 'web',
        TagSpecifications: [
          { ResourceType: 'security-group', Tags: [{ Key: 'ec2ops:access-group', Value: 'true' }] },
        ],
      }),
    )
  ).GroupId!;
});
/** The expiry function as it runs: on the scheduler's clock, telling owners through the Slack emulator. */
function expireDeps(): ExpireDeps {
  return expireDepsOver(h, () => Date.now() + skewMs);
}

/** The texts of the direct messages ec2ops sent a person. */
function dmsTo(user: string): string[] {
  const dm = h.slack.workspace.dms().find((d) => d.user === user);
  return dm ? h.slack.workspace.messages(dm.channel).map((m) => m.text ?? '') : [];
}

afterAll(async () => {
  await close?.();
});

async function ec2(text: string, user = 'UOPERATOR'): Promise<string> {
  const queued = h.sent.length;
  const sent = await h.client.slashCommand(`/ec2 ${text}`, { user, channel: 'C0GENERAL' });
  return JSON.stringify((await answerTo(h, sent, queued)).payload);
}

async function ruleOn(port: number): Promise<SecurityGroupRule | undefined> {
  const out = await h.ec2Client.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [web] }] }),
  );
  return (out.SecurityGroupRules ?? []).find((r) => !r.IsEgress && r.FromPort === port);
}

const schedulesFor = (ruleId: string) =>
  scheduler.service.list(GROUP).filter((s) => s.name === `expire-${ruleId}`);
const expiryOf = (rule: SecurityGroupRule) =>
  Date.parse(rule.Tags!.find((t) => t.Key === 'ec2ops:expires-at')!.Value!);

describe('expiry schedules', () => {
  it('an opened rule gets one one-time schedule at its expiry, deleted after it runs', async () => {
    await ec2(`open 7100 on ${web} from office for 30m`);
    const rule = (await ruleOn(7100))!;
    const [schedule, ...more] = schedulesFor(rule.SecurityGroupRuleId!);
    expect(more).toEqual([]);
    expect(schedule!.expression).toBe(
      `at(${new Date(Math.ceil(expiryOf(rule) / 1000) * 1000).toISOString().slice(0, 19)})`,
    );
    expect(schedule!.actionAfterCompletion).toBe('DELETE');
    expect(JSON.parse(schedule!.target.Input!)).toMatchObject({
      target: { kind: 'rule', ruleId: rule.SecurityGroupRuleId, groupId: web, region: 'us-east-1' },
    });
  });

  it('closing the rule deletes its schedule', async () => {
    await ec2(`open 7200 on ${web} from office for 30m`);
    const id = (await ruleOn(7200))!.SecurityGroupRuleId!;
    expect(schedulesFor(id)).toHaveLength(1);
    expect(await ec2(`close ${id}`)).toContain(`Closed 7200/tcp`);
    expect(schedulesFor(id)).toEqual([]);
  });

  it('extending the rule moves its schedule to the new expiry', async () => {
    await ec2(`open 7300 on ${web} from office for 30m`);
    const id = (await ruleOn(7300))!.SecurityGroupRuleId!;
    const before = schedulesFor(id)[0]!.at;
    expect(await ec2(`access extend ${id} for 2h`)).toContain('Extended 7300/tcp');
    const [moved, ...more] = schedulesFor(id);
    expect(more).toEqual([]);
    expect(moved!.at).toBeGreaterThan(before + 60 * 60_000);
    expect(moved!.at).toBe(Math.ceil(expiryOf((await ruleOn(7300))!) / 1000) * 1000);
  });

  it('the schedule closes the rule at its time, with no sweeper running, and only then', async () => {
    await ec2(`open 7400 on ${web} from office for 10m`);
    const rule = (await ruleOn(7400))!;
    const id = rule.SecurityGroupRuleId!;
    skewMs = expiryOf(rule) - Date.now() - 60_000;
    expect((await scheduler.service.fireDue()).map((f) => f.name)).not.toContain(`expire-${id}`);
    expect(await ruleOn(7400)).toBeDefined();

    skewMs = expiryOf(rule) - Date.now() + 2_000;
    const fired = (await scheduler.service.fireDue()).find((f) => f.name === `expire-${id}`);
    expect(fired?.result).toEqual({ outcome: 'closed', ruleId: id, told: 'UOPERATOR' });
    expect(await ruleOn(7400)).toBeUndefined();
    expect(schedulesFor(id)).toEqual([]);
    // The owner hears it closed, in the port-sweep's words.
    expect(
      dmsTo('UOPERATOR').filter((t) => t.startsWith('Closed 7400/tcp from 203.0.113.0/24')),
    ).toHaveLength(1);
  });

  it('a stale firing, for an expiry the rule has since been extended past, leaves the rule open', async () => {
    skewMs = 0;
    await ec2(`open 7500 on ${web} from office for 10m`);
    const id = (await ruleOn(7500))!.SecurityGroupRuleId!;
    const stale = schedulesFor(id)[0]!;
    // The admin's longer open extends the rule and moves the schedule; the old firing arrives anyway.
    await ec2(`open 7500 on ${web} from office for 4h`, 'UADMIN');
    skewMs = stale.at - Date.now() + 2_000;
    const result = await expire(expireDeps(), JSON.parse(stale.target.Input!));
    expect(result).toMatchObject({ outcome: 'not-yet', ruleId: id });
    expect(await ruleOn(7500)).toBeDefined();
  });

  it('firing twice, or for a rule already closed, changes nothing', async () => {
    skewMs = 0;
    await ec2(`open 7600 on ${web} from office for 10m`);
    const id = (await ruleOn(7600))!.SecurityGroupRuleId!;
    const input = JSON.parse(schedulesFor(id)[0]!.target.Input!);
    skewMs = 11 * 60_000;
    const deps = expireDeps();
    const results = await Promise.all([expire(deps, input), expire(deps, input), expire(deps, input)]);
    expect(results.filter((r) => r.outcome === 'closed').length).toBeGreaterThanOrEqual(1);
    // However many firings raced, the owner is told once per firing that actually closed it.
    expect(dmsTo('UOPERATOR').filter((t) => t.startsWith('Closed 7600/tcp')).length).toBe(
      results.filter((r) => r.outcome === 'closed').length,
    );
    expect(results.every((r) => r.outcome === 'closed' || r.outcome === 'gone')).toBe(true);
    expect(await ruleOn(7600)).toBeUndefined();
    expect(await expire(deps, input)).toEqual({ outcome: 'gone', ruleId: id });
    expect(await expire(deps, { v: 1, target: { kind: 'rule', ruleId: 'x' } })).toEqual({
      outcome: 'ignored',
    });
  });

  it('five opens of the same rule at once make one rule and one schedule; five closes at once leave none', async () => {
    skewMs = 0;
    const before = scheduler.service.list(GROUP).map((x) => x.name);
    await Promise.all([1, 2, 3, 4, 5].map(() => ec2(`open 7700 on ${web} from 203.0.113.77/32 for 30m`)));
    const rules = (
      await h.ec2Client.send(
        new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [web] }] }),
      )
    ).SecurityGroupRules!.filter((r) => !r.IsEgress && r.FromPort === 7700);
    expect(rules).toHaveLength(1);
    const id = rules[0]!.SecurityGroupRuleId!;
    expect(schedulesFor(id)).toHaveLength(1);
    expect(schedulesFor(id)[0]!.at).toBeLessThanOrEqual(Math.ceil(expiryOf(rules[0]!) / 1000) * 1000);

    await Promise.all([1, 2, 3, 4, 5].map(() => ec2(`close ${id}`)));
    expect(await ruleOn(7700)).toBeUndefined();
    // No orphan: the group holds what it held before this rule was opened.
    expect(scheduler.service.list(GROUP).map((x) => x.name)).toEqual(before);
  });
});
