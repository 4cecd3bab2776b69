import {
  CreateLaunchTemplateCommand,
  CreateLaunchTemplateVersionCommand,
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeSubnetsCommand,
  DescribeVolumesCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Clock } from '../../src/ec2/clock';
import { type Ec2Emulator, startEc2Emulator } from '../../src/ec2/server';
import { statsOf } from '../../src/ec2/stats';
import { seedAccount } from '../../src/runner/seed-account';
import { type ImportResult, importAccount } from '../../src/twin/import';
import { MutatingCallError, readOnlyEc2 } from '../../src/twin/read-only-client';

const REGIONS = ['us-east-1', 'eu-west-1'];
const ACCOUNT = '210987654321';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
let source: Ec2Emulator;
let twin: Ec2Emulator;
let imported: ImportResult;
const made: EC2Client[] = [];
const clientOf = (emulator: Ec2Emulator) => {
  const clients = new Map<string, EC2Client>();
  return (region: string) => {
    let c = clients.get(region);
    if (!c) {
      c = new EC2Client({ region, endpoint: emulator.url, credentials, maxAttempts: 1 });
      clients.set(region, c);
      made.push(c);
    }
    return c;
  };
};

beforeAll(async () => {
  const clock = new Clock();
  source = await startEc2Emulator({
    clock,
    accountId: ACCOUNT,
    // Every transition at once: a state that real time ends (shutting-down) would change between the
    // import and the comparison on a busy machine.
    delays: {
      instancePending: 0,
      instanceStopping: 0,
      instanceShuttingDown: 0,
      imagePending: 0,
      snapshotPending: 0,
      volumeCreating: 0,
    },
    log: () => {},
  });
  const ec2 = clientOf(source);
  const seeded = await seedAccount({
    ec2,
    regions: REGIONS,
    tagPrefix: 'ec2ops:',
    now: () => clock.now(),
    accessGroupTags: { 'ec2ops:access-group': 'true' },
  });
  // A launch template with two versions: every version's image counts as in use.
  const { LaunchTemplate } = await ec2('us-east-1').send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: 'web',
      LaunchTemplateData: {
        ImageId: seeded.images[0],
        InstanceType: 't3.micro',
        SecurityGroupIds: [seeded.groups[0]!],
      },
      TagSpecifications: [{ ResourceType: 'launch-template', Tags: [{ Key: 'team', Value: 'web' }] }],
    }),
  );
  await ec2('us-east-1').send(
    new CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: LaunchTemplate!.LaunchTemplateId!,
      VersionDescription: 'bigger',
      LaunchTemplateData: { ImageId: seeded.images[1], InstanceType: 't3.large' },
    }),
  );
  statsOf(source.store).reset();
  imported = await importAccount({ ec2, regions: REGIONS, now: clock.now() });

  twin = await startEc2Emulator({ accountId: imported.accountId, log: () => {} });
  twin.store.load(imported.state);
});

afterAll(async () => {
  for (const c of made) c.destroy();
  await source?.close();
  await twin?.close();
});

/** What a describe answers, without the request id. */
async function described<T>(ec2: EC2Client, command: { input: unknown }): Promise<T> {
  const { $metadata: _, ...out } = (await ec2.send(command as never)) as unknown as Record<string, unknown>;
  return out as T;
}

describe('twin import', () => {
  it('sends only Describe calls to the account it reads', () => {
    const { actions, total } = statsOf(source.store).snapshot();
    expect(total).toBeGreaterThan(0);
    expect(Object.keys(actions).filter((a) => !/^Describe/.test(a))).toEqual([]);
    expect(Object.values(actions).every((a) => a.ok === a.requests)).toBe(true);
  });

  it('counts its calls, and needs no more than the fewest pages the counts allow', () => {
    expect(imported.totalCalls).toBe(statsOf(source.store).snapshot().total);
    expect(imported.totalCalls).toBe(imported.minimumCalls);
    expect(imported.accountId).toBe(ACCOUNT);
  });

  it.each(REGIONS)('reproduces, in %s, what the jobs and commands describe', async (region) => {
    const real = clientOf(source)(region);
    const copy = clientOf(twin)(region);
    const commands = [
      new DescribeInstancesCommand({}),
      new DescribeImagesCommand({ Owners: ['self'] }),
      new DescribeSnapshotsCommand({ OwnerIds: ['self'] }),
      new DescribeVolumesCommand({}),
      new DescribeAddressesCommand({}),
      new DescribeSecurityGroupsCommand({}),
      new DescribeSecurityGroupRulesCommand({}),
      new DescribeSubnetsCommand({}),
      new DescribeLaunchTemplatesCommand({}),
    ];
    for (const command of commands) {
      const [fromSource, fromTwin] = await Promise.all([described(real, command), described(copy, command)]);
      expect({ [command.constructor.name]: fromTwin }).toEqual({ [command.constructor.name]: fromSource });
    }
    const { LaunchTemplates } = await real.send(new DescribeLaunchTemplatesCommand({}));
    for (const template of LaunchTemplates ?? []) {
      const command = new DescribeLaunchTemplateVersionsCommand({
        LaunchTemplateId: template.LaunchTemplateId!,
      });
      expect(await described(copy, command)).toEqual(await described(real, command));
    }
    if (region === 'us-east-1') expect(LaunchTemplates).toHaveLength(1);
  });

  it('has the seeded resources in the twin, not an empty account that happens to match', () => {
    const counts = imported.counts['us-east-1']!;
    expect(counts.instances).toBeGreaterThan(0);
    expect(counts.addresses).toBeGreaterThan(0);
    expect(counts.launchTemplateVersions).toBe(2);
    expect(counts.securityGroupRules).toBeGreaterThan(0);
  });
});

describe('the read-only client', () => {
  it('refuses a mutating action named at run time, before sending anything', async () => {
    const before = statsOf(source.store).snapshot().total;
    const ec2 = readOnlyEc2(clientOf(source)('us-east-1'), 'us-east-1');
    const smuggled = 'TerminateInstances' as 'DescribeInstances';
    await expect(ec2.call(smuggled, {})).rejects.toBeInstanceOf(MutatingCallError);
    await expect(ec2.call(smuggled, {})).rejects.toMatchObject({ code: 'twin.mutating-call' });
    expect(statsOf(source.store).snapshot().total).toBe(before);
  });

  it('does not compile a mutating action', () => {
    const ec2 = readOnlyEc2(clientOf(source)('us-east-1'), 'us-east-1');
    // @ts-expect-error the client has no mutating action to name (tsc fails if this compiles)
    const call = () => ec2.call('TerminateInstances', { InstanceIds: ['i-0123456789abcdef0'] });
    expect(call).toBeTypeOf('function');
  });
});
