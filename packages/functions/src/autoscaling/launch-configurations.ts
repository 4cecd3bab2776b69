import { AutoScalingClient, paginateDescribeLaunchConfigurations } from '@aws-sdk/client-auto-scaling';
import type { ObservedLaunchConfiguration } from '@ec2ops/core/jobs';
import { EC2_MAX_ATTEMPTS, type EC2Client } from '../ec2/client';

/**
 * Auto Scaling launch configurations pin an AMI: an image one of them names is in use, whatever
 * runs today. Read through a client that shares an EC2 client's region and credentials, so a
 * member account's shard reads its own account's launch configurations with its member role.
 */

/** The Auto Scaling client beside an EC2 client (same region, same credentials), built on first use. */
export type AutoScalingFor = (ec2: EC2Client) => AutoScalingClient;

export function autoScalingClients(options: { endpoint?: string | undefined } = {}): AutoScalingFor {
  const clients = new WeakMap<EC2Client, AutoScalingClient>();
  return (ec2) => {
    let client = clients.get(ec2);
    if (!client) {
      client = new AutoScalingClient({
        region: ec2.config.region,
        credentials: ec2.config.credentials,
        retryMode: 'adaptive',
        maxAttempts: EC2_MAX_ATTEMPTS,
        // Unset: the SDK reads AWS_ENDPOINT_URL_AUTO_SCALING, else AWS's endpoint.
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      });
      clients.set(ec2, client);
    }
    return client;
  };
}

/** Every launch configuration of the client's region, 100 a page (Auto Scaling's maximum). */
export async function describeLaunchConfigurations(
  autoscaling: AutoScalingClient,
): Promise<ObservedLaunchConfiguration[]> {
  const out: ObservedLaunchConfiguration[] = [];
  for await (const page of paginateDescribeLaunchConfigurations({ client: autoscaling, pageSize: 100 }, {})) {
    for (const c of page.LaunchConfigurations ?? []) {
      if (c.LaunchConfigurationName) out.push({ name: c.LaunchConfigurationName, imageId: c.ImageId });
    }
  }
  return out;
}
