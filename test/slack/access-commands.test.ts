import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DescribeImagesCommand,
  DescribeSecurityGroupRulesCommand,
  RunInstancesCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { parseStageConfig, type StageConfigInput } from '@ec2ops/core/config';
import { runJob } from '@ec2ops/functions/jobs/registry';
import { createSlackNotifier, slackWebClient } from '@ec2ops/functions/slack-notifier';
import { EXECUTORS } from '@ec2ops/functions/worker/executors/index';
import type { SentRequest } from '@ec2ops/sandbox/slack/client';
import type { SourceMessage } from '@ec2ops/sandbox/slack/payloads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerTo, executorContext, queuedRequest } from './fixtures';
import { type Harness, startHarness, TEST_CONFIG } from './harness';
import { tagsOf } from './launch-fixtures';

/**
 * `/ec2 open`, `/ec2 close`, `/ec2 access` end to end: signed slash commands and button clicks
 * through the Slack emulator, the real slack function, the SQS emulator and the real worker,
 * against the EC2 emulator; expiry through the real port-sweep job with a controlled `now`.
 */
const CONFIG: StageConfigInput = {
  ...TEST_CONFIG,
  slack: { ...TEST_CONFIG.slack, reportChannel: 'C0EC2OPS' },
  access: {
    groups: { tags: { 'ec2ops:access-group': 'true' } },
    sources: { office: ['203.0.113.0/24', '2001:db8:100::/48'], vpn: ['10.8.0.0/16'] },
    worldOpenPorts: ['443'],
    neverPorts: ['23'],
    maxDuration: '8h',
    warnBefore: '10m',
  },
};

let h: Harness;
let web: string;
let other: string;
let peers: string;
const HOUR = 3_600_000;

beforeAll(async () => {
  h = await startHarness({ config: CONFIG });
  const group = async (name: string, tags: Record<string, string>) =>
    (
      await h.ec2Client.send(
        new CreateSecurityGroupCommand({
          GroupName: name,
          Description: name,
          TagSpecifications: [
            {
              ResourceType: 'security-group',
              Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
            },
          ],
        }),
      )
    ).GroupId!;
  web = await group('web', { 'ec2ops:access-group': 'true' });
  other = await group('other', { team: 'x' });
  peers = await group('peers', { team: 'y' });
  const image = (await h.ec2Client.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0]!
    .ImageId!;
  for (const [name, groups] of [
    ['web-1', [web, peers]],
    ['lonely', [other]],
  ] as const) {
    await h.ec2Client.send(
      new RunInstancesCommand({
        ImageId: image,
        MinCount: 1,
        MaxCount: 1,
        SecurityGroupIds: [...groups],
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }] }],
      }),
    );
  }
});
afterAll(async () => {
  await h?.close();
});

interface Answer {
  text: string;
  /** The reply as a message one can click in. */
  message: SourceMessage;
}

/** Sends the command (or a click) and waits for the worker's answer (or the slack function's refusal). */
async function waitAnswer(sent: SentRequest, queued: number): Promise<Answer> {
  const { payload, immediate } = await answerTo(h, sent, queued);
  if (immediate) {
    return { text: JSON.stringify(payload), message: { ts: '0', text: payload.text ?? '', ephemeral: true } };
  }
  return {
    text: JSON.stringify(payload),
    message: {
      ts: '1700000000.000100',
      text: payload.text ?? '',
      blocks: payload.blocks as never,
      ephemeral: true,
    },
  };
}

async function ec2(text: string, user = 'UOPERATOR'): Promise<Answer> {
  const queued = h.sent.length;
  const sent = await h.client.slashCommand(`/ec2 ${text}`, { user, channel: 'C0GENERAL' });
  return waitAnswer(sent, queued);
}

async function click(answer: Answer, actionPrefix: string, user = 'UOPERATOR'): Promise<Answer> {
  const blocks = JSON.stringify(answer.message.blocks ?? []);
  const actionId = new RegExp(`"(${actionPrefix}[^"]*)"`).exec(blocks)?.[1];
  if (!actionId) throw new Error(`no ${actionPrefix} button in ${blocks}`);
  const queued = h.sent.length;
  const sent = await h.client.blockAction(
    { message: answer.message, actionId },
    { user, channel: 'C0GENERAL' },
  );
  return waitAnswer(sent, queued);
}

async function rulesOf(groupId: string): Promise<SecurityGroupRule[]> {
  const out = await h.ec2Client.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }),
  );
  return (out.SecurityGroupRules ?? []).filter((r) => !r.IsEgress);
}
const port = (rules: SecurityGroupRule[], p: number) => rules.filter((r) => r.FromPort === p);

async function sweep(now: Date, dryRun = false) {
  return runJob('port-sweep', {
    ec2: () => h.ec2Client,
    notifier: createSlackNotifier(slackWebClient(h.slack.botToken, h.slack.apiUrl)),
    config: parseStageConfig(CONFIG),
    now,
    dryRun,
  });
}

function dms(user: string): string[] {
  const dm = h.slack.workspace.dms().find((d) => d.user === user);
  return dm
    ? h.slack.workspace.messages(dm.channel).map((m) => `${m.text} ${JSON.stringify(m.blocks ?? [])}`)
    : [];
}

describe('/ec2 open', () => {
  it('opens a port from a named source: one tagged rule per block, IPv4 and IPv6, with a description', async () => {
    const before = Date.now();
    const answer = await ec2(`open 22 on ${web} from office for 2h reason="deploy debug"`);
    expect(answer.text).toContain('Opened 22/tcp from 203.0.113.0/24 on');
    expect(answer.text).toContain('Opened 22/tcp from 2001:db8:100::/48');
    const rules = port(await rulesOf(web), 22);
    expect(rules.map((r) => r.CidrIpv4 ?? r.CidrIpv6).sort()).toEqual([
      '2001:db8:100::/48',
      '203.0.113.0/24',
    ]);
    for (const rule of rules) {
      const tags = tagsOf(rule);
      expect(tags).toMatchObject({
        'ec2ops:managed': 'true',
        'ec2ops:owner': 'UOPERATOR',
        'ec2ops:reason': 'deploy debug',
      });
      expect(tags['ec2ops:request-id']).toMatch(/^r-/);
      const expires = Date.parse(tags['ec2ops:expires-at']!);
      expect(expires).toBeGreaterThanOrEqual(before + 2 * HOUR - 5000);
      expect(expires).toBeLessThanOrEqual(Date.now() + 2 * HOUR);
      expect(rule.Description).toMatch(/^ec2ops UOPERATOR until \d{4}-\d\d-\d\dT\d\d:\d\dZ deploy debug$/);
    }
  });

  it('opens on an instance through its access group, and the same request again extends the rule', async () => {
    const first = await ec2('open 8080 on web-1 from 198.51.100.7 for 1h');
    expect(first.text).toContain(`Opened 8080/tcp from 198.51.100.7/32 on ${web} (web), the access group of`);
    expect(first.text).toContain('took 198.51.100.7 as 198.51.100.7/32');
    const [rule] = port(await rulesOf(web), 8080);
    const firstExpiry = Date.parse(tagsOf(rule!)['ec2ops:expires-at']!);
    const again = await ec2('open 8080 on web-1 from 198.51.100.7/32 for 3h');
    expect(again.text).toContain('was already open until');
    expect(again.text).toContain(`extended until`);
    const rules = port(await rulesOf(web), 8080);
    expect(rules.map((r) => r.SecurityGroupRuleId)).toEqual([rule!.SecurityGroupRuleId]);
    expect(Date.parse(tagsOf(rules[0]!)['ec2ops:expires-at']!)).toBeGreaterThan(firstExpiry + HOUR);
  });

  it('takes IPv6 blocks and security groups as sources', async () => {
    expect((await ec2(`open 8443 on ${web} from 2001:db8::/64`)).text).toContain(
      'Opened 8443/tcp from 2001:db8::/64',
    );
    expect(port(await rulesOf(web), 8443).map((r) => r.CidrIpv6)).toEqual(['2001:db8::/64']);
    expect((await ec2(`open 5000-5010/udp on ${web} from ${peers}`)).text).toContain(
      `Opened 5000-5010/udp from ${peers}`,
    );
    const [rule] = port(await rulesOf(web), 5000);
    expect(rule).toMatchObject({ IpProtocol: 'udp', ToPort: 5010, ReferencedGroupInfo: { GroupId: peers } });
  });

  it('leaves an identical rule it does not manage alone, saying it is open permanently', async () => {
    await h.ec2Client.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: web,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 9000, ToPort: 9000, IpRanges: [{ CidrIp: '192.0.2.0/24' }] },
        ],
      }),
    );
    const answer = await ec2(`open 9000 on ${web} from 192.0.2.0/24`);
    expect(answer.text).toContain('already open permanently');
    const rules = port(await rulesOf(web), 9000);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.Tags ?? []).toEqual([]);
  });

  it('opens once per request, however often it is delivered', async () => {
    const config = parseStageConfig(CONFIG);
    const request = queuedRequest({
      id: 'r-0000redelivered',
      command: 'open',
      args: { ports: '7100', target: web, source: '198.51.100.9', duration: HOUR },
      text: `open 7100 on ${web} from 198.51.100.9 for 1h`,
    });
    const ctx = executorContext(request, config, h.workerEc2Client);
    const first = await EXECUTORS['open']!(ctx);
    const second = await EXECUTORS['open']!(ctx);
    const rules = port(await rulesOf(web), 7100);
    expect(rules).toHaveLength(1);
    expect(first.text).toContain(`Opened 7100/tcp from 198.51.100.9/32`);
    expect(second.text).toContain(`Opened 7100/tcp from 198.51.100.9/32`);
    expect(second.text).toContain(rules[0]!.SecurityGroupRuleId!);
  });

  it('asks an approver for an administrative port from outside the named sources, and opens nothing yet', async () => {
    const posted = h.slack.workspace.messages('C0APPROVE').length;
    const answer = await ec2(`open 22 on ${web} from 198.51.100.20`);
    expect(answer.text).toContain('needs approval');
    expect(h.slack.workspace.messages('C0APPROVE').length).toBe(posted + 1);
    expect(JSON.stringify(h.slack.workspace.messages('C0APPROVE').at(-1))).toContain('administrative port');
    expect(port(await rulesOf(web), 22).some((r) => r.CidrIpv4 === '198.51.100.20/32')).toBe(false);

    const request = h.slack.workspace.messages('C0APPROVE').at(-1)!;
    const requestId = /request `(r-[0-9a-f]+)`/.exec(JSON.stringify(request.blocks))![1]!;
    await h.client.blockAction(
      {
        message: { ts: request.ts, text: request.text, blocks: request.blocks, ephemeral: false },
        actionId: `ec2ops:approve:${requestId}`,
      },
      { user: 'UADMIN', channel: 'C0APPROVE' },
    );
    await h.sqs.drain();
    const [opened] = port(await rulesOf(web), 22).filter((r) => r.CidrIpv4 === '198.51.100.20/32');
    expect(tagsOf(opened!)).toMatchObject({ 'ec2ops:owner': 'UOPERATOR', 'ec2ops:request-id': requestId });
    expect(dms('UOPERATOR').some((m) => m.includes('Opened 22/tcp from 198.51.100.20/32'))).toBe(true);
  });
});

describe('bad input is refused with a clear message and no rule changed', () => {
  it.each([
    [`open 0 on WEB from office`, /port 0 does not exist/],
    [`open 65536 on WEB from office`, /port 65536 does not exist/],
    [`open 30-20 on WEB from office`, /30-20 is reversed: write 20-30/],
    [`open 22/icmp on WEB from office`, /write \/tcp or \/udp/],
    [`open 80 on WEB from 10.0.0.256/32`, /not an IPv4 or IPv6 address or CIDR block/],
    [`open 80 on WEB from 10.0.0.5/24`, /host bits set: EC2 would store it as 10.0.0.0\/24/],
    [`open 22 on WEB from 0.0.0.0/0`, /cannot be opened to the whole internet/],
    [`open 80 on WEB from ::/0`, /cannot be opened to the whole internet/],
    [`open 80 on OTHER from office`, /cannot be changed from Slack in this stage/],
    [`open 80 on lonely from office`, /has no security group tagged ec2ops:access-group=true/],
    [`open 80 on WEB from office for 9h`, /longer than this stage allows: at most 8h/],
    [`open 80 on no-such-box from office`, /No security group or instance no-such-box/],
    [`open 80 on sg-0123456789abcdef0 from office`, /No security group sg-0123456789abcdef0/],
    [`open 23 on WEB from office`, /never allows 23/],
  ])('%s', async (command, message) => {
    const before = JSON.stringify([await rulesOf(web), await rulesOf(other)]);
    const answer = await ec2(command.replace('WEB', web).replace('OTHER', other));
    expect(answer.text).toMatch(message);
    expect(JSON.stringify([await rulesOf(web), await rulesOf(other)])).toBe(before);
  });

  it("refuses closing someone else's rule (an admin's, closed by an operator)", async () => {
    await ec2(`open 6100 on ${web} from vpn for 1h`, 'UADMIN');
    const [rule] = port(await rulesOf(web), 6100);
    const before = JSON.stringify(await rulesOf(web));
    const byId = await ec2(`close ${rule!.SecurityGroupRuleId}`);
    expect(byId.text).toContain(
      'belongs to <@UADMIN>: only the owner or an admin can close it. Nothing was closed.',
    );
    const byPort = await ec2(`close 6100 on ${web}`);
    expect(byPort.text).toContain('belongs to <@UADMIN>');
    expect(JSON.stringify(await rulesOf(web))).toBe(before);
  });
});

describe('/ec2 access and its buttons', () => {
  it('lists my rules with who, why and time left, and everyone’s with `all`', async () => {
    const mine = await ec2('access');
    expect(mine.text).toContain('Your temporary port rules');
    expect(mine.text).toContain('22/tcp from 203.0.113.0/24');
    expect(mine.text).toContain('deploy debug');
    expect(mine.text).toMatch(
      /22\/tcp from 203.0.113.0\/24 on [^,]+, <@UOPERATOR>, \\"deploy debug\\", closes in (1h5\dm|2h) \(/,
    );
    expect(mine.text).not.toContain('6100/tcp');
    expect(mine.text).toContain('Extend 1h');
    expect(mine.text).toContain('Close now');
    const all = await ec2('access all', 'UVIEWER');
    expect(all.text).toContain('6100/tcp from 10.8.0.0/16');
    expect(all.text).toContain('<@UADMIN>');
  });

  it('Extend keeps a rule open longer; Close now closes it', async () => {
    await ec2(`open 6200 on ${web} from 198.51.100.30 for 5m`);
    const [rule] = port(await rulesOf(web), 6200);
    const id = rule!.SecurityGroupRuleId!;
    const list = await ec2('access');
    const extended = await click(list, `ec2ops:run:extend-${id}`);
    expect(extended.text).toContain(`Extended 6200/tcp from 198.51.100.30/32 on ${web} until`);
    const expires = Date.parse(tagsOf(port(await rulesOf(web), 6200)[0]!)['ec2ops:expires-at']!);
    expect(expires).toBeGreaterThan(Date.now() + 50 * 60_000);
    const closed = await click(extended, `ec2ops:run:close-${id}`);
    expect(closed.text).toContain(`Closed 6200/tcp from 198.51.100.30/32 on ${web} (${id})`);
    expect(port(await rulesOf(web), 6200)).toEqual([]);
    expect((await ec2(`close ${id}`)).text).toContain('is open in us-east-1: it is closed already');
  });

  it('extending a rule that needed an approver needs one again, unless an admin extends it', async () => {
    const [rule] = port(await rulesOf(web), 22).filter((r) => r.CidrIpv4 === '198.51.100.20/32');
    const id = rule!.SecurityGroupRuleId!;
    const before = tagsOf(rule!)['ec2ops:expires-at'];
    const refused = await ec2(`access extend ${id} for 2h`);
    expect(refused.text).toContain(
      'needs an approver: 22/tcp is an administrative port outside the named sources',
    );
    expect(refused.text).toContain(`/ec2 open 22/tcp on ${web} from 198.51.100.20/32 for 2h`);
    expect(
      tagsOf(port(await rulesOf(web), 22).find((r) => r.SecurityGroupRuleId === id)!)['ec2ops:expires-at'],
    ).toBe(before);
    expect((await ec2(`access extend ${id} for 2h`, 'UADMIN')).text).toContain(
      'Extended 22/tcp from 198.51.100.20/32',
    );
  });

  it('closes by port and source, leaving the other rules', async () => {
    await ec2(`open 6300 on ${web} from 198.51.100.40 for 1h`);
    await ec2(`open 6300 on ${web} from 198.51.100.41 for 1h`);
    const answer = await ec2(`close 6300 on web-1 from 198.51.100.40`);
    expect(answer.text).toContain('Closed 6300/tcp from 198.51.100.40/32');
    expect(port(await rulesOf(web), 6300).map((r) => r.CidrIpv4)).toEqual(['198.51.100.41/32']);
  });

  it('an admin may close anyone’s rule', async () => {
    const [rule] = port(await rulesOf(web), 6300);
    expect((await ec2(`close ${rule!.SecurityGroupRuleId}`, 'UADMIN')).text).toContain('Closed 6300/tcp');
    expect(port(await rulesOf(web), 6300)).toEqual([]);
  });
});

describe('port-sweep', () => {
  it('dry run plans and changes nothing', async () => {
    const before = JSON.stringify(await rulesOf(web));
    const report = await sweep(new Date(Date.now() + 10 * HOUR), true);
    expect(report.counts.byAction['revoke']?.planned).toBeGreaterThan(0);
    expect(JSON.stringify(await rulesOf(web))).toBe(before);
  });

  it('warns the owner before expiry with an Extend button, once', async () => {
    await ec2(`open 6400 on ${web} from 198.51.100.50 for 1h`);
    const [rule] = port(await rulesOf(web), 6400);
    const soon = new Date(Date.parse(tagsOf(rule!)['ec2ops:expires-at']!) - 5 * 60_000);
    const report = await sweep(soon);
    expect(report.lines.find((l) => l.id === rule!.SecurityGroupRuleId)).toMatchObject({
      action: 'warn',
      status: 'done',
    });
    const warning = dms('UOPERATOR').find((m) => m.includes('6400/tcp') && m.includes('closes at'));
    expect(warning).toContain(`access extend ${rule!.SecurityGroupRuleId} for 1h`);
    const again = await sweep(soon);
    expect(again.lines.find((l) => l.id === rule!.SecurityGroupRuleId)?.action).not.toBe('warn');
  });

  it('closes expired managed rules only, tells the owner and the channel', async () => {
    const ids = port(await rulesOf(web), 22).map((r) => r.SecurityGroupRuleId!);
    const report = await sweep(new Date(Date.now() + 2.5 * HOUR));
    for (const id of ids)
      expect(report.lines.find((l) => l.id === id)).toMatchObject({ action: 'revoke', status: 'done' });
    const left = await rulesOf(web);
    expect(port(left, 22).filter((r) => ids.includes(r.SecurityGroupRuleId!))).toEqual([]);
    // The permanent rule and the rules still within their time stay.
    expect(port(left, 9000)).toHaveLength(1);
    expect(port(left, 8080)).toHaveLength(1);
    expect(dms('UOPERATOR').some((m) => m.includes('Closed 22/tcp from 203.0.113.0/24'))).toBe(true);
    expect(h.slack.workspace.messages('C0EC2OPS').some((m) => JSON.stringify(m).includes('port-sweep'))).toBe(
      true,
    );
  });

  it('two sweeps at once end in the same state as one', async () => {
    await ec2(`open 6500 on ${web} from 198.51.100.60 for 1h`);
    await ec2(`open 6501 on ${web} from 198.51.100.60 for 1h`);
    const later = new Date(Date.now() + 7 * HOUR);
    const [a, b] = await Promise.all([sweep(later), sweep(later)]);
    expect(a.counts.failed + b.counts.failed).toBe(0);
    const left = await rulesOf(web);
    expect(left.filter((r) => tagsOf(r)['ec2ops:managed'] === 'true').map((r) => r.FromPort)).toEqual([]);
    expect(port(left, 9000)).toHaveLength(1);
    const once = await sweep(later);
    expect(once.counts.byAction['revoke']?.planned ?? 0).toBe(0);
  });
});
