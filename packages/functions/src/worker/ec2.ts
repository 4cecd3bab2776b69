import { EC2Client } from '@aws-sdk/client-ec2';
import { oncePerRegion } from '../jobs/ec2-clients';
import type { Ec2Gateway } from './context';

/** One EC2 client per region, created on first use and kept for the container's life. */
export function ec2Gateway(
  regions: readonly string[],
  make: (region: string) => EC2Client = (region) => new EC2Client({ region }),
): Ec2Gateway {
  const clientOf = oncePerRegion(make);
  return {
    regions,
    client: (region = regions[0]!) => clientOf(region),
  };
}
