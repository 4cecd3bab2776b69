import {
  AutoScalingClient,
  CreateLaunchConfigurationCommand,
  DeleteLaunchConfigurationCommand,
  DescribeLaunchConfigurationsCommand,
} from '@aws-sdk/client-auto-scaling';
import { functionCredentials, SANDBOX_CREDENTIALS } from '@ec2ops/sandbox/iam/stage-policies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { autoScalingClients } from '../../src/autoscaling/launch-configurations';
import { amiBake } from '../../src/jobs/ami-bake';
import { silentLog } from '../../src/telemetry/log';
import { type BakeHarness, startBakeHarness } from './ami-bake-harness';

/**
 * Issue 16, "in use, completely": an image an Auto Scaling launch configuration names is in use
 * (the group launches it whenever it scales out), read with the job's own least-privilege policy.
 */
let h: BakeHarness;
let admin: AutoScalingClient;
let asJob: AutoScalingClient;
beforeAll(async () => {
  h = await startBakeHarness();
  const client = (credentials: { accessKeyId: string; secretAccessKey: string }) =>
    new AutoScalingClient({ endpoint: h.emulator.url, region: 'us-east-1', credentials, maxAttempts: 1 });
  admin = client(SANDBOX_CREDENTIALS);
  asJob = client(functionCredentials('ami-bake'));
});
afterAll(async () => {
  admin?.destroy();
  asJob?.destroy();
  await h?.close();
});

const launchConfiguration = (name: string, imageId: string) =>
  admin.send(
    new CreateLaunchConfigurationCommand({
      LaunchConfigurationName: name,
      ImageId: imageId,
      InstanceType: 't3.micro',
    }),
  );

describe('ami-bake and Auto Scaling launch configurations', () => {
  it('keeps an image a launch configuration names, saying so, and removes it once the configuration is gone', async () => {
    const source = await h.instance();
    const newest = await h.pastImage(source, 1);
    const pinned = await h.pastImage(source, 5);
    const plain = await h.pastImage(source, 6);
    await launchConfiguration('web-pinned', pinned.imageId);
    const config = h.config({ retention: { count: 1 } });

    const first = await h.run(h.at(), config);
    expect(first.counts.failed).toBe(0);
    expect(await h.imagesOf(source)).toEqual([newest.imageId, pinned.imageId].sort());
    const kept = first.lines.find((l) => l.id === pinned.imageId);
    expect(`${kept?.message ?? ''}${JSON.stringify(first.sections)}`).toContain(
      'launch configuration web-pinned',
    );

    await admin.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: 'web-pinned' }));
    const second = await h.run(h.at(60_000), config);
    expect(second.counts.failed).toBe(0);
    expect(await h.imagesOf(source)).toEqual([newest.imageId]);
    expect(await h.imagesOf(source)).not.toContain(plain.imageId);
  });

  it('keeps an image a launch configuration started naming between plan and apply', async () => {
    const source = await h.instance();
    const newest = await h.pastImage(source, 1);
    const late = await h.pastImage(source, 5);
    const config = h.config({ retention: { count: 1 } });
    await h.run(h.at(), config, true); // installs the job's policy for this config
    const ctx = {
      region: 'us-east-1',
      ec2: h.jobEc2(),
      autoScaling: autoScalingClients({ endpoint: h.emulator.url }),
      config,
      now: h.at(),
      dryRun: false,
      log: silentLog(),
      notifier: undefined,
    };
    const plan = await amiBake.plan(ctx);
    expect(plan.items.find((i) => i.id === late.imageId)?.action).toBe('deregister');
    await launchConfiguration('web-late', late.imageId);

    const results = await amiBake.apply(ctx, plan);

    expect(results.find((r) => r.id === late.imageId)?.outcome).toMatchObject({
      status: 'skipped',
      reason: 'in use since the plan by launch configuration web-late',
    });
    expect(await h.imagesOf(source)).toEqual([newest.imageId, late.imageId].sort());
    await admin.send(new DeleteLaunchConfigurationCommand({ LaunchConfigurationName: 'web-late' }));
  });

  it("the job's policy allows exactly DescribeLaunchConfigurations", async () => {
    const seen = await asJob.send(new DescribeLaunchConfigurationsCommand({}));
    expect(seen.LaunchConfigurations).toBeDefined();
    const source = await h.instance();
    const { imageId } = await h.pastImage(source, 1);
    const refused = await asJob
      .send(
        new CreateLaunchConfigurationCommand({
          LaunchConfigurationName: 'by-the-job',
          ImageId: imageId,
          InstanceType: 't3.micro',
        }),
      )
      .then(
        () => undefined,
        (error: { name: string; $metadata?: { httpStatusCode?: number } }) => error,
      );
    expect(refused?.name).toBe('AccessDenied');
    expect(refused?.$metadata?.httpStatusCode).toBe(403);
    const all = await admin.send(new DescribeLaunchConfigurationsCommand({}));
    expect(all.LaunchConfigurations?.map((c) => c.LaunchConfigurationName)).not.toContain('by-the-job');
  });
});
