import {
  AssociateAddressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateImageCommand,
  CreateSecurityGroupCommand,
  DescribeAddressesCommand,
  DescribeSecurityGroupsCommand,
  DisassociateAddressCommand,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import { type CommandRequest, commandRequestSchema, commands, parseCommand } from '@ec2ops/core/commands';
import type { StageConfig } from '@ec2ops/core/config';
import { type Fleet, fleetOf } from '@ec2ops/functions/accounts/clients';
import { ec2ClientsByRegion, ec2Gateway } from '@ec2ops/functions/ec2/client';
import { build } from '@ec2ops/functions/root';
import type { Executor, ExecutorContext } from '@ec2ops/functions/worker/context';
import { EXECUTORS } from '@ec2ops/functions/worker/executors/index';
import { spanner } from '@ec2ops/functions/worker/span';
import { commandTarget } from '@ec2ops/functions/worker/target';
import { deployedName, functionCredentials } from '@ec2ops/sandbox/iam/stage-policies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allocateAddress, NOW, quickRetry } from '../jobs/eip-fixtures';
import { managedInstance } from '../slack/launch-fixtures';
import { DEV, type FleetWorld, fleetConfig, PROD, startFleetWorld } from './world';

/**
 * Issue 15: `list`, `access`, `eip list` and `ami list` without `account=` span every account
 * and region the person may see, each row naming its account and region, paged 25 rows at a
 * time; an account where the person has no role is left out, one whose role cannot be assumed is
 * named while the rest lists. The worker's executors run as the worker function, against the
 * sandbox's two member accounts (dev, prod) × two regions, with IAM enforced.
 */
const PLACES = [
  [DEV, 'dev', 'us-east-1'],
  [DEV, 'dev', 'eu-west-1'],
  [PROD, 'prod', 'us-east-1'],
  [PROD, 'prod', 'eu-west-1'],
] as const;
const ADDRESSES_PER_PLACE = 8;
const TRICKY_NAME = '<@U1> & *boss* <!channel>';

const config: StageConfig = fleetConfig({
  // The member role lets ec2ops change only these groups' rules (the web groups below carry the tag).
  access: { groups: { tags: { 'team:access': 'web' } } },
  roles: {
    users: { UVIEWER: 'viewer', UOPERATOR: 'operator' },
    accounts: {
      // dev: the stage-wide viewer and operator keep their roles, plus a dev-only viewer and a group.
      dev: {
        users: { UVIEWER: 'viewer', UOPERATOR: 'operator', UDEVONLY: 'viewer', UDEVADMIN: 'admin' },
        groups: { SDEVTEAM: 'operator' },
      },
      // prod: the operator is only a viewer there; nobody else has a role there.
      prod: { users: { UOPERATOR: 'viewer', UVIEWER: 'viewer', UDEVADMIN: 'operator' } },
    },
  },
});

let world: FleetWorld;
let fleet: Fleet;
/** The stage the worker runs with (one test swaps in an organization). */
let stage: StageConfig = config;
let trickyBox: string;
const addresses = new Map<string, { id: string; place: string }>();

beforeAll(async () => {
  world = await startFleetWorld(config);
  fleet = world.fleetAs('worker', { now: () => NOW });
  for (const [account, alias, region] of PLACES) {
    const ec2 = await world.admin(account, region);
    const managed = { 'ec2ops:managed': 'true', 'ec2ops:owner': 'UOPERATOR' };
    const [box] = await managedInstance(ec2, { ...managed, Name: `box-${alias}-${region}` });
    await ec2.send(
      new CreateImageCommand({
        InstanceId: box!,
        Name: `baked-${alias}-${region}`,
        TagSpecifications: [
          {
            ResourceType: 'image',
            Tags: [
              { Key: 'ec2ops:managed', Value: 'true' },
              { Key: 'ec2ops:source-instance', Value: box! },
            ],
          },
        ],
      }),
    );
    const group = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: `web-${alias}`,
        Description: 'web',
        TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'team:access', Value: 'web' }] }],
      }),
    );
    await ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: group.GroupId!,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '192.0.2.0/24' }] },
        ],
        TagSpecifications: [
          {
            ResourceType: 'security-group-rule',
            Tags: Object.entries({
              ...managed,
              'ec2ops:expires-at': new Date(NOW.getTime() + 3_600_000).toISOString(),
              'ec2ops:reason': `deploy ${alias}`,
            }).map(([Key, Value]) => ({ Key, Value })),
          },
        ],
      }),
    );
    for (let i = 0; i < ADDRESSES_PER_PLACE; i++) {
      const id = await allocateAddress(ec2, `ip-${alias}-${region}-${i}`, {
        ...managed,
        'ec2ops:idle-since': new Date(NOW.getTime() - (i + 1) * 3_600_000).toISOString(),
      });
      addresses.set(id, { id, place: `${alias}/${region}` });
    }
  }
  [trickyBox] = (await managedInstance(await world.admin(DEV, 'us-east-1'), { Name: TRICKY_NAME })) as [
    string,
  ];
}, 120_000);
afterAll(async () => {
  fleet.destroy();
  await world.close();
});

/** What the worker hands the executor for `text` typed by `user` (as the slack function queues it). */
function contextFor(text: string, user: string, groups?: string[]): ExecutorContext {
  const parsed = parseCommand(text, commands);
  const spec = commands.get(parsed.command)!;
  const request: CommandRequest = commandRequestSchema.parse({
    id: `req-${user}-${parsed.command.replace(' ', '-')}`,
    command: parsed.command,
    args: parsed.args,
    text,
    user: { id: user, role: 'viewer', ...(groups ? { groups } : {}) },
    channel: { id: 'C0GENERAL' },
    requestedAt: NOW.toISOString(),
    ...(parsed.page ? { page: parsed.page } : {}),
    ...(parsed.account ? { account: parsed.account } : {}),
    ...(parsed.region ? { region: parsed.region } : {}),
  });
  const hub = ec2Gateway(
    stage.regions,
    ec2ClientsByRegion({ endpoint: world.emulator.url, credentials: functionCredentials('worker') }),
  );
  const deps = { config: stage, ec2: hub, fleet };
  // As the worker does: the executor sees the person's role in the account it acts in.
  const target = commandTarget(deps, request, spec);
  return {
    request: { ...request, user: { ...request.user, role: target.role } },
    spec,
    config,
    ec2: target.ec2,
    span: spanner(deps, request, spec),
    clock: { now: () => NOW },
  } as unknown as ExecutorContext;
}

async function ask(text: string, user: string, groups?: string[]) {
  const ctx = contextFor(text, user, groups);
  const reply = await (EXECUTORS[ctx.spec.name as keyof typeof EXECUTORS] as Executor)(ctx);
  return { reply, json: JSON.stringify(reply.blocks) };
}

const shownAddresses = (json: string) => [...addresses.keys()].filter((id) => json.includes(`\`${id}\``));

describe('spanning lists', () => {
  it('list every account and region the person may see, each row naming its account and region', async () => {
    const { json } = await ask('list all', 'UVIEWER');
    for (const [, alias, region] of PLACES) {
      expect(json).toContain(`*box-${alias}-${region}*`);
      expect(json).toMatch(new RegExp(`box-${alias}-${region}\\*[^"]* · ${alias}/${region}`));
    }
    expect(world.denials()).toEqual([]);
  });

  it('show a viewer in dev only the rows of dev, and refuse them prod when they name it', async () => {
    const { json } = await ask('eip list', 'UDEVONLY');
    const shown = shownAddresses(json);
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((id) => addresses.get(id)!.place.startsWith('dev/'))).toBe(true);
    const boxes = (await ask('list all', 'UDEVONLY')).json;
    expect(boxes).toContain('box-dev-us-east-1');
    expect(boxes).not.toContain('box-prod');
    await expect(ask('list all account=prod', 'UDEVONLY')).rejects.toMatchObject({
      code: 'fleet.no-role-there',
    });
  });

  it('grant a role in an account through a user group mapped there', async () => {
    const { json } = await ask('list all', 'UGROUPIE', ['SDEVTEAM']);
    expect(json).toContain('box-dev-eu-west-1');
    expect(json).not.toContain('box-prod');
    // Without the group, nothing is theirs to see: an empty list, not an error.
    expect((await ask('list all', 'UGROUPIE')).reply.text).toMatch(/none/);
  });

  it('page in a stable order: every row on exactly one page, "rows x–y of z" on each', async () => {
    const total = addresses.size;
    const first = await ask('eip list', 'UVIEWER');
    expect(first.json).toContain(`rows 1–25 of ${total} · page 1 of 2`);
    expect(first.json).toContain('"value":"eip list page=2"');
    const second = await ask('eip list page=2', 'UVIEWER');
    expect(second.json).toContain(`rows 26–${total} of ${total} · page 2 of 2`);
    const seen = [...shownAddresses(first.json), ...shownAddresses(second.json)];
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);
    // The same pages again: the order does not depend on which read answered first.
    expect((await ask('eip list', 'UVIEWER')).json).toBe(first.json);
  });

  it('narrow to account= and region=, and keep them on the page buttons', async () => {
    const { json } = await ask('eip list account=prod region=eu-west-1', 'UVIEWER');
    const shown = shownAddresses(json);
    expect(shown.length).toBe(ADDRESSES_PER_PLACE);
    expect(shown.every((id) => addresses.get(id)!.place === 'prod/eu-west-1')).toBe(true);
    const dublin = (await ask('list all region=eu-west-1', 'UVIEWER')).json;
    expect(dublin).toContain('box-dev-eu-west-1');
    expect(dublin).toContain('box-prod-eu-west-1');
    expect(dublin).not.toContain('box-dev-us-east-1');
  });

  it('put the row’s account and region on its buttons, which act there and check the role there', async () => {
    const { json } = await ask('eip list', 'UOPERATOR');
    const values = [...json.matchAll(/"value":"(eip release [^"]+)"/g)].map((m) => m[1]!);
    // An operator in dev, a viewer in prod: Release is offered on dev's addresses only.
    expect(values.length).toBeGreaterThan(0);
    expect(values.every((v) => / account=dev region=(us-east-1|eu-west-1)$/.test(v))).toBe(true);
    const value = values[0]!;
    const id = /eipalloc-[0-9a-f]+/.exec(value)![0];
    const ctx = contextFor(value, 'UOPERATOR');
    const [, , region] = / account=(\w+) region=([\w-]+)/.exec(value)!;
    expect(ctx.ec2.regions).toEqual([region]);
    const found = await ctx.ec2.client().send(new DescribeAddressesCommand({ AllocationIds: [id] }));
    expect(found.Addresses?.[0]?.AllocationId).toBe(id);
    // The same button edited to act in prod is refused there.
    const prod = value.replace('account=dev', 'account=prod');
    expect(() => contextFor(prod, 'UOPERATOR')).toThrow(
      expect.objectContaining({ code: 'fleet.no-role-there' }),
    );
  });

  it('put Extend and Close now on each access rule, acting in the rule’s account and region', async () => {
    const { json } = await ask('access all', 'UVIEWER');
    for (const [, alias, region] of PLACES) {
      expect(json).toContain(`· ${alias}/${region}`);
      expect(json).toMatch(new RegExp(`"value":"close sgr-[0-9a-f]+ account=${alias} region=${region}"`));
    }
    const dev = (await ask('access all', 'UDEVONLY')).json;
    expect(dev).toContain('deploy dev');
    expect(dev).not.toContain('deploy prod');
  });

  it('keep the rule’s account and region on the buttons of an extended rule', async () => {
    const listed = (await ask('access all account=dev region=us-east-1', 'UOPERATOR')).json;
    const ruleId = /"value":"close (sgr-[0-9a-f]+) account=dev region=us-east-1"/.exec(listed)![1]!;
    const { json } = await ask(`access extend ${ruleId} for 2h account=dev region=us-east-1`, 'UOPERATOR');
    expect(json).toContain(`"value":"close ${ruleId} account=dev region=us-east-1"`);
    expect(json).toMatch(
      new RegExp(`"value":"access extend ${ruleId} for [^"]+ account=dev region=us-east-1"`),
    );
  });

  it('put the account and region on the buttons of a port opened in a member account', async () => {
    const dev = await world.admin(DEV, 'eu-west-1');
    const { SecurityGroups = [] } = await dev.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: ['web-dev'] }] }),
    );
    const groupId = SecurityGroups[0]!.GroupId!;
    const { reply, json } = await ask(
      `open 9443 on ${groupId} from 198.51.100.7/32 for 1h account=dev region=eu-west-1 reason=deploy`,
      'UOPERATOR',
    );
    const ruleId = /rule (sgr-[0-9a-f]+)/.exec(reply.text)![1]!;
    expect(json).toContain(`"value":"close ${ruleId} account=dev region=eu-west-1"`);
  });

  it('list baked images of every account and region, by source and place', async () => {
    const { json, reply } = await ask('ami list', 'UVIEWER');
    expect(reply.text).toMatch(/^4 images from 4 sources/);
    for (const [, alias, region] of PLACES) {
      expect(json).toMatch(new RegExp(`i-[0-9a-f]+ \\(${alias}/${region}\\)`));
      expect(json).toContain(`baked-${alias}-${region}`);
    }
    expect((await ask('ami list account=prod', 'UVIEWER')).reply.text).toMatch(/^2 images/);
  });

  it('release from a row’s button in that account, confirming there, with the role held there', async () => {
    const { json } = await ask('eip list', 'UOPERATOR');
    const value = [...json.matchAll(/"value":"(eip release [^"]+ account=dev region=eu-west-1)"/g)][0]![1]!;
    const id = /eipalloc-[0-9a-f]+/.exec(value)![0];
    const question = await ask(value, 'UOPERATOR');
    const confirm = /"value":"(eip release [^"]+confirm=yes[^"]*)"/.exec(question.json)![1]!;
    expect(confirm).toBe(`eip release ${id} confirm=yes account=dev region=eu-west-1`);
    expect((await ask(confirm, 'UOPERATOR')).reply.text).toContain('Released');
    const left = await (await world.admin(DEV, 'eu-west-1')).send(new DescribeAddressesCommand({}));
    expect(left.Addresses?.some((a) => a.AllocationId === id)).toBe(false);
    addresses.delete(id);
    // An admin in dev is only an operator in prod: someone else's address there stays.
    const prodAddress = [...addresses.values()].find((a) => a.place === 'prod/us-east-1')!;
    await expect(ask(`eip release ${prodAddress.id} account=prod`, 'UDEVADMIN')).rejects.toMatchObject({
      code: expect.stringMatching(/^eip\./),
    });
    const still = await (await world.admin(PROD, 'us-east-1')).send(new DescribeAddressesCommand({}));
    expect(still.Addresses?.some((a) => a.AllocationId === prodAddress.id)).toBe(true);
  });

  it('escape what a row shows from a tag: a Name cannot mention, broadcast or break the bold', async () => {
    const { json } = await ask('list all account=dev region=us-east-1', 'UVIEWER');
    expect(json).toContain('*&lt;@U1&gt; &amp; ∗boss∗ &lt;!channel&gt;*');
    expect(json).not.toContain('<@U1>');
    expect(json).not.toContain('<!channel>');
    // The same Name where eip list shows the instance an address is on.
    const ec2 = await world.admin(DEV, 'us-east-1');
    const id = await allocateAddress(ec2, 'on-tricky');
    const association = await ec2.send(
      new AssociateAddressCommand({ AllocationId: id, InstanceId: trickyBox }),
    );
    try {
      const eips = (await ask('eip list account=dev region=us-east-1', 'UVIEWER')).json;
      expect(eips).toContain(`associated with ${trickyBox} (&lt;@U1&gt; &amp; *boss* &lt;!channel&gt;)`);
      expect(eips).not.toContain('<@U1>');
    } finally {
      await ec2.send(new DisassociateAddressCommand({ AssociationId: association.AssociationId! }));
      await ec2.send(new ReleaseAddressCommand({ AllocationId: id }));
    }
  });

  it('answer identical requests made at once identically, changing nothing', async () => {
    const before = await Promise.all(
      PLACES.map(
        async ([account, , region]) =>
          (
            (await (await world.admin(account, region)).send(new DescribeAddressesCommand({}))).Addresses ??
            []
          ).length,
      ),
    );
    const answers = await Promise.all(Array.from({ length: 6 }, () => ask('eip list idle', 'UVIEWER')));
    expect(new Set(answers.map((a) => a.json)).size).toBe(1);
    expect(answers[0]!.json).toContain(`of ${addresses.size}`);
    const after = await Promise.all(
      PLACES.map(
        async ([account, , region]) =>
          (
            (await (await world.admin(account, region)).send(new DescribeAddressesCommand({}))).Addresses ??
            []
          ).length,
      ),
    );
    expect(after).toEqual(before);
  });
});

describe('a spanning list when Organizations cannot list the accounts', () => {
  it('lists the configured accounts and says the organization’s could not be read', async () => {
    const withOrg = { ...config, organization: { ous: [], cacheMinutes: 15 } };
    const root = build({
      fn: deployedName('worker') as Parameters<typeof build>[0]['fn'],
      env: {},
      clock: { now: () => NOW },
      // Nothing listens on port 1: ListAccounts fails as an unreachable Organizations would.
      endpoints: { ec2: world.emulator.url, sts: world.emulator.url, organizations: 'http://127.0.0.1:1' },
      region: 'us-east-1',
      credentials: functionCredentials('worker'),
    });
    const orgFleet = fleetOf(root, withOrg, { ec2: { retryStrategy: quickRetry() } });
    const previous = fleet;
    fleet = orgFleet;
    stage = withOrg;
    try {
      const { json } = await ask('list all', 'UVIEWER');
      expect(json).toContain('Could not read the organization’s accounts (');
      expect(json).toContain('box-dev-us-east-1');
      expect(json).toContain('box-prod-eu-west-1');
    } finally {
      fleet = previous;
      stage = config;
      orgFleet.destroy();
    }
  });
});

describe('a spanning list when an account cannot be read', () => {
  it('names the account and regions whose role could not be assumed, and lists the rest', async () => {
    await world.breakRole(PROD);
    const broken = world.fleetAs('worker', { now: () => NOW });
    const previous = fleet;
    fleet = broken;
    try {
      const { reply, json } = await ask('eip list', 'UVIEWER');
      expect(json).toContain('Could not read prod/us-east-1 (fleet.assume-role-failed)');
      expect(json).toContain('prod/eu-west-1 (fleet.assume-role-failed)');
      const shown = shownAddresses(json);
      expect(shown.length).toBeGreaterThan(0);
      expect(shown.every((id) => addresses.get(id)!.place.startsWith('dev/'))).toBe(true);
      const inDev = [...addresses.values()].filter((a) => a.place.startsWith('dev/')).length;
      expect(shown.length).toBe(inDev);
      expect(reply.text).toMatch(new RegExp(`^${inDev} addresses in dev/us-east-1, dev/eu-west-1:`));
    } finally {
      fleet = previous;
      broken.destroy();
    }
  });
});
