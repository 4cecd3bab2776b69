import {
  AutoScalingClient,
  CreateLaunchConfigurationCommand,
  DeleteLaunchConfigurationCommand,
  DescribeLaunchConfigurationsCommand,
  paginateDescribeLaunchConfigurations,
} from '@aws-sdk/client-auto-scaling';
import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure, startTestEmulator, type TestEmulator } from '../ec2/harness';

describe('Auto Scaling launch configurations (query API beside EC2)', () => {
  let t: TestEmulator;
  let autoscaling: AutoScalingClient;
  let imageId: string;
  beforeAll(async () => {
    t = await startTestEmulator();
    autoscaling = new AutoScalingClient({
      endpoint: t.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    const images = await t.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
    imageId = images.Images![0]!.ImageId!;
  });
  afterAll(async () => {
    autoscaling?.destroy();
    await t?.close();
  });

  const create = (name: string, image = imageId) =>
    autoscaling.send(
      new CreateLaunchConfigurationCommand({
        LaunchConfigurationName: name,
        ImageId: image,
        InstanceType: 't3.micro',
        SecurityGroups: ['sg-12345678'],
      }),
    );

  it('creates one, describes it by name with its image, and deletes it', async () => {
    await create('web-1');
    const out = await autoscaling.send(
      new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: ['web-1'] }),
    );
    const [lc] = out.LaunchConfigurations ?? [];
    expect(lc).toMatchObject({
      LaunchConfigurationName: 'web-1',
      ImageId: imageId,
      InstanceType: 't3.micro',
      SecurityGroups: ['sg-12345678'],
    });
    expect(lc?.CreatedTime).toBeInstanceOf(Date);
    expect(lc?.LaunchConfigurationARN).toMatch(/^arn:aws:autoscaling:us-east-1:\d{12}:launchConfiguration:/);
    await autoscaling.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: 'web-1' }));
    const after = await autoscaling.send(
      new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: ['web-1'] }),
    );
    expect(after.LaunchConfigurations).toEqual([]);
  });

  it('pages with MaxRecords and NextToken, each configuration once, in name order', async () => {
    const names = ['page-a', 'page-b', 'page-c', 'page-d', 'page-e'];
    for (const name of names) await create(name);
    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeLaunchConfigurations({ client: autoscaling, pageSize: 2 }, {})) {
      pages += 1;
      expect(page.LaunchConfigurations!.length).toBeLessThanOrEqual(2);
      for (const lc of page.LaunchConfigurations ?? []) seen.push(lc.LaunchConfigurationName!);
    }
    expect(seen.filter((n) => n.startsWith('page-'))).toEqual(names);
    expect(pages).toBe(Math.ceil(seen.length / 2));
    for (const name of names) {
      await autoscaling.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: name }));
    }
  });

  it('refuses a duplicate name, an unknown image, a missing name on delete and a bad token, changing nothing', async () => {
    await create('dup');
    // The wire code is AlreadyExists; the SDK names the modelled fault after its shape.
    expect(await failure(create('dup'))).toMatchObject({ code: 'AlreadyExistsFault', status: 400 });
    expect(await failure(create('no-image', 'ami-0000000000000dead'))).toMatchObject({
      code: 'ValidationError',
    });
    expect(
      await failure(
        autoscaling.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: 'nope' })),
      ),
    ).toMatchObject({ code: 'ValidationError' });
    expect(
      await failure(autoscaling.send(new DescribeLaunchConfigurationsCommand({ NextToken: 'garbage' }))),
    ).toMatchObject({ code: 'InvalidNextToken' });
    expect(
      await failure(autoscaling.send(new DescribeLaunchConfigurationsCommand({ MaxRecords: 101 }))),
    ).toMatchObject({ code: 'ValidationError' });
    const all = await autoscaling.send(new DescribeLaunchConfigurationsCommand({}));
    expect(all.LaunchConfigurations?.map((c) => c.LaunchConfigurationName)).toEqual(['dup']);
  });

  it('creates a name once when the same request arrives many times at once', async () => {
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => create('racy')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const out = await autoscaling.send(
      new DescribeLaunchConfigurationsCommand({ LaunchConfigurationNames: ['racy'] }),
    );
    expect(out.LaunchConfigurations).toHaveLength(1);
  });
});
