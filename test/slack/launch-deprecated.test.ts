import {
  CreateImageCommand,
  DescribeImagesCommand,
  RunInstancesCommand,
  waitUntilImageAvailable,
  waitUntilInstanceRunning,
} from '@aws-sdk/client-ec2';
import { images } from '@ec2ops/sandbox/ec2/model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';
import { allInstances, ec2, LAUNCH_CONFIG, setDelays } from './launch-fixtures';

/**
 * `/ec2 launch` of a deprecated image, end to end: refused for an operator with the image that
 * replaces it (the newest approved image of the same source), allowed for an admin.
 */
let h: Harness;
let older: string;
let newer: string;

beforeAll(async () => {
  h = await startHarness({ config: LAUNCH_CONFIG });
  await setDelays(h, { instancePending: 300, imagePending: 200, snapshotPending: 150 });
  const { Images = [] } = await h.ec2Client.send(
    new DescribeImagesCommand({
      Owners: ['amazon'],
      Filters: [{ Name: 'architecture', Values: ['x86_64'] }],
    }),
  );
  const run = await h.ec2Client.send(
    new RunInstancesCommand({
      ImageId: Images[0]!.ImageId!,
      MinCount: 1,
      MaxCount: 1,
      InstanceType: 't3.micro',
    }),
  );
  const source = run.Instances![0]!.InstanceId!;
  await waitUntilInstanceRunning(
    { client: h.ec2Client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.2 },
    { InstanceIds: [source] },
  );
  const bake = async (name: string) => {
    const tags = [
      { Key: 'ec2ops:approved', Value: 'true' },
      { Key: 'ec2ops:source-instance', Value: source },
    ];
    const { ImageId } = await h.ec2Client.send(
      new CreateImageCommand({
        InstanceId: source,
        Name: name,
        NoReboot: true,
        TagSpecifications: [{ ResourceType: 'image', Tags: tags }],
      }),
    );
    await waitUntilImageAvailable(
      { client: h.ec2Client, maxWaitTime: 30, minDelay: 0.1, maxDelay: 0.2 },
      { ImageIds: [ImageId!] },
    );
    return ImageId!;
  };
  older = await bake('web-old');
  newer = await bake('web-new');
  // EC2 refuses a deprecation time in the past, so the deprecation that has since come due is
  // written into the emulator's record directly: what DescribeImages then reports.
  const record = images.in(h.ec2.store.region('us-east-1')).get(older)!;
  record.deprecationTime = Date.now() - 60_000;
});
afterAll(async () => {
  await h?.close();
});

describe('/ec2 launch of a deprecated image', () => {
  it('refuses an operator, naming the replacement, and launches nothing', async () => {
    const before = (await allInstances(h.ec2Client)).length;
    const { answer } = await ec2(h, `launch ${older}`, 'UOPERATOR');
    expect(answer).toContain('launch.image-deprecated');
    expect(answer).toContain(newer);
    expect((await allInstances(h.ec2Client)).length).toBe(before);
  });

  it('lets an admin launch it', async () => {
    const { answer } = await ec2(h, `launch ${older}`, 'UADMIN', /Launching/);
    expect(answer).toContain(older);
  });

  it('launches the replacement for an operator', async () => {
    const { answer } = await ec2(h, `launch ${newer}`, 'UOPERATOR', /Launching/);
    expect(answer).not.toContain('launch.image-deprecated');
  });
});
