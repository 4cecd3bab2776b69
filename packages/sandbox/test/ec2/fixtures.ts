import {
  DescribeImagesCommand,
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  waitUntilInstanceRunning,
} from '@aws-sdk/client-ec2';

/** Waiter options for the emulator's short delays. */
export const FAST_WAIT = { maxWaitTime: 15, minDelay: 0.05, maxDelay: 0.1 };

/** The seeded Amazon Linux 2023 image of an architecture (DescribeImages by name, as users do). */
export async function amazonLinuxImage(
  ec2: EC2Client,
  architecture: 'x86_64' | 'arm64' = 'x86_64',
): Promise<string> {
  const found = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['amazon'],
      Filters: [
        { Name: 'name', Values: ['al2023-ami-2023.*'] },
        { Name: 'architecture', Values: [architecture] },
      ],
    }),
  );
  const id = found.Images?.[0]?.ImageId;
  if (!id) throw new Error('no seeded Amazon Linux image');
  return id;
}

/** RunInstances with sensible defaults, waiting until the instances run. */
export async function runningInstances(
  ec2: EC2Client,
  input: Partial<RunInstancesCommandInput> = {},
): Promise<Instance[]> {
  const imageId = input.ImageId ?? (await amazonLinuxImage(ec2));
  const result = await ec2.send(
    new RunInstancesCommand({
      InstanceType: 't3.micro',
      MinCount: 1,
      MaxCount: 1,
      ...input,
      ImageId: imageId,
    }),
  );
  const ids = (result.Instances ?? []).map((i) => i.InstanceId!);
  await waitUntilInstanceRunning({ client: ec2, ...FAST_WAIT }, { InstanceIds: ids });
  return result.Instances ?? [];
}
