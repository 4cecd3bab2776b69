import { EC2Client } from '@aws-sdk/client-ec2';
import type { Ec2Gateway } from './context';

/** One EC2 client per region, created on first use and kept for the container's life. */
export function ec2Gateway(
  regions: readonly string[],
  make: (region: string) => EC2Client = (region) => new EC2Client({ region }),
): Ec2Gateway {
  const clients = new Map<string, EC2Client>();
  return {
    regions,
    client(region = regions[0]!) {
      let client = clients.get(region);
      if (!client) {
        client = make(region);
        clients.set(region, client);
      }
      return client;
    },
  };
}
