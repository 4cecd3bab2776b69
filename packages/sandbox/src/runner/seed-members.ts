import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  CreateImageCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  type EC2Client,
  RunInstancesCommand,
  type Tag,
} from '@aws-sdk/client-ec2';
import { waitFor } from './seed-account';

/**
 * A small fleet in a member account (dev, prod), created through the EC2 API with the sandbox's
 * own key there: in each region two managed instances (one expiring), an image baked from one,
 * an associated Elastic IP and an idle one, so `npm start` shows more than one account.
 */
export interface MemberSeedOptions {
  /** The account's alias, used in names (`dev-web-1`). */
  alias: string;
  ec2: (region: string) => EC2Client;
  regions: string[];
  tagPrefix: string;
  now: () => number;
}

const HOUR = 3_600_000;

async function seedRegion(o: MemberSeedOptions, region: string): Promise<void> {
  const ec2 = o.ec2(region);
  const tag = (key: string, value: string): Tag => ({ Key: `${o.tagPrefix}${key}`, Value: value });
  const managed = tag('managed', 'true');
  const { Images } = await ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  const base = (Images ?? []).find((i) => i.Name?.startsWith('al2023-ami-'))?.ImageId;
  if (!base) throw new Error(`seeding ${o.alias}: no al2023 image in ${region}`);
  const launch = async (name: string, tags: Tag[]) => {
    const { Instances } = await ec2.send(
      new RunInstancesCommand({
        ImageId: base,
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
        ClientToken: `sandbox-seed-${o.alias}-${region}-${name}`,
        TagSpecifications: [
          { ResourceType: 'instance', Tags: [{ Key: 'Name', Value: name }, managed, ...tags] },
        ],
      }),
    );
    const id = Instances?.[0]?.InstanceId;
    if (!id) throw new Error(`seeding ${o.alias}: RunInstances gave no instance for ${name}`);
    return id;
  };
  const web = await launch(`${o.alias}-web-1`, [tag('owner', 'UOPERATOR'), tag('bake', 'nightly')]);
  await launch(`${o.alias}-batch-1`, [
    tag('owner', 'UOPERATOR'),
    tag('expires-at', new Date(o.now() + 3 * HOUR).toISOString()),
  ]);
  await waitFor(`${web} to run`, async () => {
    const { Reservations } = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [web] }));
    return Reservations?.[0]?.Instances?.[0]?.State?.Name === 'running' ? true : undefined;
  });
  await ec2.send(
    new CreateImageCommand({
      InstanceId: web,
      Name: `${o.alias}-web-golden`,
      TagSpecifications: [{ ResourceType: 'image', Tags: [managed, tag('approved', 'true')] }],
    }),
  );
  const address = async (tags: Tag[]) => {
    const { AllocationId } = await ec2.send(
      new AllocateAddressCommand({
        Domain: 'vpc',
        TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: tags }],
      }),
    );
    if (!AllocationId) throw new Error(`seeding ${o.alias}: AllocateAddress gave no allocation id`);
    return AllocationId;
  };
  const attached = await address([managed, { Key: 'Name', Value: `${o.alias}-web-1` }]);
  await address([managed, tag('idle-since', new Date(o.now() - 3 * 24 * HOUR).toISOString())]);
  await ec2.send(new AssociateAddressCommand({ AllocationId: attached, InstanceId: web }));
}

export async function seedMemberAccount(o: MemberSeedOptions): Promise<void> {
  await Promise.all(o.regions.map((region) => seedRegion(o, region)));
}
