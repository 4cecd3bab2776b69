import {
  AllocateAddressCommand,
  CreateImageCommand,
  CreateTagsCommand,
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  EC2Client,
  type EC2ServiceException,
  ReleaseAddressCommand,
  RunInstancesCommand,
  TerminateInstancesCommand,
  waitUntilInstanceRunning,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CallerPolicies, createIamEnforcer, type IamEnforcer } from '../../src/iam/index';
import { startTestEmulator, type TestEmulator } from '../ec2/harness';

/**
 * The emulator enforcing IAM, driven through the real SDK: the access key id names the caller,
 * each resource a request touches is authorized, and a denial is EC2's UnauthorizedOperation.
 * The policies here are written by hand (not ec2ops' own) so the test checks the enforcement.
 */
const region = 'us-east-1';
const POLICIES: CallerPolicies = {
  Admin: '*',
  Reader: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' }],
  },
  Operator: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: 'ec2:Describe*', Resource: '*' },
      {
        Sid: 'OnlyTeamInstances',
        Effect: 'Allow',
        Action: 'ec2:TerminateInstances',
        Resource: 'arn:aws:ec2:*:*:instance/*',
        Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } },
      },
      {
        Sid: 'LaunchTaggedAmazonImagesOnly',
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:*:*:volume/*'],
        Condition: { StringEquals: { 'aws:RequestTag/team': 'blue' } },
      },
      {
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: [
          'arn:aws:ec2:*:*:subnet/*',
          'arn:aws:ec2:*:*:security-group/*',
          'arn:aws:ec2:*:*:network-interface/*',
        ],
      },
      {
        Effect: 'Allow',
        Action: 'ec2:RunInstances',
        Resource: 'arn:aws:ec2:*::image/*',
        Condition: { StringEquals: { 'ec2:Owner': 'amazon' } },
      },
      {
        Effect: 'Allow',
        Action: 'ec2:CreateTags',
        Resource: '*',
        Condition: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
      },
      { Effect: 'Allow', Action: ['ec2:AllocateAddress', 'ec2:ReleaseAddress'], Resource: '*' },
      {
        Sid: 'NeverTheKeptAddress',
        Effect: 'Deny',
        Action: 'ec2:ReleaseAddress',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/keep': 'true' } },
      },
      {
        Effect: 'Deny',
        Action: '*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': region } },
      },
    ],
  },
};

let env: TestEmulator;
let enforcer: IamEnforcer;
const clients: EC2Client[] = [];
const as = (accessKeyId: string, inRegion = region) => {
  const client = new EC2Client({
    endpoint: env.url,
    region: inRegion,
    credentials: { accessKeyId, secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  clients.push(client);
  return client;
};
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: EC2ServiceException) => ({
      code: error.name,
      status: error.$metadata.httpStatusCode,
      message: error.message,
    }),
  );

async function amazonImage(): Promise<string> {
  const images = await as('Admin').send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  return images.Images![0]!.ImageId!;
}

async function launch(client: EC2Client, team: string): Promise<string> {
  const out = await client.send(
    new RunInstancesCommand({
      ImageId: await amazonImage(),
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      TagSpecifications: [
        { ResourceType: 'instance', Tags: [{ Key: 'team', Value: team }] },
        { ResourceType: 'volume', Tags: [{ Key: 'team', Value: team }] },
      ],
    }),
  );
  return out.Instances![0]!.InstanceId!;
}

const instanceCount = async () =>
  ((await as('Admin').send(new DescribeInstancesCommand({}))).Reservations ?? []).flatMap(
    (r) => r.Instances ?? [],
  ).length;

beforeAll(async () => {
  enforcer = createIamEnforcer(POLICIES);
  env = await startTestEmulator({ interceptors: [enforcer.interceptor] });
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await env.close();
});

describe('the EC2 emulator enforcing IAM', () => {
  it('answers AuthFailure to an access key nobody was given, and changes nothing', async () => {
    const before = await instanceCount();
    const error = await failure(launch(as('Stranger'), 'blue'));
    expect(error).toMatchObject({ code: 'AuthFailure', status: 401 });
    expect(await instanceCount()).toBe(before);
  });

  it('lets a key mapped to "*" do anything', async () => {
    const id = await launch(as('Admin'), 'red');
    await as('Admin').send(new TerminateInstancesCommand({ InstanceIds: [id] }));
  });

  it('allows what a policy grants and answers UnauthorizedOperation (403) to the rest', async () => {
    await as('Reader').send(new DescribeInstancesCommand({}));
    const error = await failure(as('Reader').send(new AllocateAddressCommand({ Domain: 'vpc' })));
    expect(error).toMatchObject({ code: 'UnauthorizedOperation', status: 403 });
    expect(error.message).toContain('Reader is not authorized to perform: ec2:AllocateAddress');
  });

  it('evaluates a DryRun too: denied is UnauthorizedOperation, allowed is DryRunOperation', async () => {
    const denied = await failure(
      as('Reader').send(new AllocateAddressCommand({ Domain: 'vpc', DryRun: true })),
    );
    expect(denied.code).toBe('UnauthorizedOperation');
    const allowed = await failure(
      as('Operator').send(new AllocateAddressCommand({ Domain: 'vpc', DryRun: true })),
    );
    expect(allowed.code).toBe('DryRunOperation');
  });

  it('authorizes each instance by its tags: the other team’s instance is refused and keeps running', async () => {
    const blue = await launch(as('Admin'), 'blue');
    const red = await launch(as('Admin'), 'red');
    await as('Operator').send(new TerminateInstancesCommand({ InstanceIds: [blue] }));
    const error = await failure(
      as('Operator').send(new TerminateInstancesCommand({ InstanceIds: [blue, red] })),
    );
    expect(error.message).toContain(`instance/${red}`);
    const described = await as('Admin').send(new DescribeInstancesCommand({ InstanceIds: [red] }));
    expect(described.Reservations![0]!.Instances![0]!.State!.Name).not.toMatch(/shutting-down|terminated/);
  });

  it('authorizes every resource RunInstances touches: the request tags of the instance and its volumes', async () => {
    await launch(as('Operator'), 'blue');
    const error = await failure(launch(as('Operator'), 'red'));
    expect(error.code).toBe('UnauthorizedOperation');
    expect(error.message).toMatch(/instance\/\*|volume\/\*/);
  });

  it('checks the image it launches from (ec2:Owner) and tagging on create (ec2:CreateAction)', async () => {
    const own = await as('Admin').send(
      new RunInstancesCommand({
        ImageId: await amazonImage(),
        InstanceType: 't3.micro',
        MinCount: 1,
        MaxCount: 1,
      }),
    );
    await waitUntilInstanceRunning(
      { client: as('Admin'), maxWaitTime: 20, minDelay: 1 },
      { InstanceIds: [own.Instances![0]!.InstanceId!] },
    );
    const image = await as('Admin').send(
      new CreateImageCommand({ InstanceId: own.Instances![0]!.InstanceId!, Name: 'own-image' }),
    );
    const error = await failure(
      as('Operator').send(
        new RunInstancesCommand({
          ImageId: image.ImageId!,
          InstanceType: 't3.micro',
          MinCount: 1,
          MaxCount: 1,
          TagSpecifications: [
            { ResourceType: 'instance', Tags: [{ Key: 'team', Value: 'blue' }] },
            { ResourceType: 'volume', Tags: [{ Key: 'team', Value: 'blue' }] },
          ],
        }),
      ),
    );
    expect(error.message).toContain(`image/${image.ImageId}`);
    // Tagging outside a create call is not what the CreateTags grant allows.
    const [instance] = (await as('Admin').send(new DescribeInstancesCommand({}))).Reservations![0]!
      .Instances!;
    const tagging = await failure(
      as('Operator').send(
        new CreateTagsCommand({ Resources: [instance!.InstanceId!], Tags: [{ Key: 'a', Value: 'b' }] }),
      ),
    );
    expect(tagging.code).toBe('UnauthorizedOperation');
  });

  it('lets an explicit Deny win: the kept address is never released, the others are', async () => {
    const kept = await as('Operator').send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await as('Admin').send(
      new CreateTagsCommand({ Resources: [kept.AllocationId!], Tags: [{ Key: 'keep', Value: 'true' }] }),
    );
    const plain = await as('Operator').send(new AllocateAddressCommand({ Domain: 'vpc' }));
    const error = await failure(
      as('Operator').send(new ReleaseAddressCommand({ AllocationId: kept.AllocationId! })),
    );
    expect(error.code).toBe('UnauthorizedOperation');
    expect(error.message).toContain('explicit deny');
    await as('Operator').send(new ReleaseAddressCommand({ AllocationId: plain.AllocationId! }));
    const left = await as('Admin').send(new DescribeAddressesCommand({}));
    expect(left.Addresses!.map((a) => a.AllocationId)).toContain(kept.AllocationId);
    expect(left.Addresses!.map((a) => a.AllocationId)).not.toContain(plain.AllocationId);
  });

  it('sees the region a request is signed for (aws:RequestedRegion)', async () => {
    const error = await failure(as('Operator', 'eu-west-1').send(new DescribeInstancesCommand({})));
    expect(error.code).toBe('UnauthorizedOperation');
  });

  it('holds under concurrent denied calls: none of twenty releases of the kept address gets through', async () => {
    const kept = await as('Operator').send(new AllocateAddressCommand({ Domain: 'vpc' }));
    await as('Admin').send(
      new CreateTagsCommand({ Resources: [kept.AllocationId!], Tags: [{ Key: 'keep', Value: 'true' }] }),
    );
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        as('Operator').send(new ReleaseAddressCommand({ AllocationId: kept.AllocationId! })),
      ),
    );
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    const left = await as('Admin').send(
      new DescribeAddressesCommand({ AllocationIds: [kept.AllocationId!] }),
    );
    expect(left.Addresses).toHaveLength(1);
  });

  it('records each denial: who, what and on which resource', () => {
    expect(enforcer.denials()).toContainEqual(
      expect.objectContaining({ caller: 'Reader', action: 'ec2:AllocateAddress', decision: 'ImplicitDeny' }),
    );
  });
});
