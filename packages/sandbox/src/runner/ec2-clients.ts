import type { EC2Client } from '@ec2ops/functions/ec2/client';
import { ec2Client } from '@ec2ops/functions/ec2/client';
import { SANDBOX_CREDENTIALS } from '../iam/stage-policies';

/** One EC2 client per region against the emulator, for the seed and the console's account view. */
export interface Ec2Clients {
  forRegion(region: string): EC2Client;
  destroy(): void;
}

/**
 * The sandbox's own full-access key (seeding, the console's account view): a developer's real
 * credentials must never be sent to the emulator.
 */
export { SANDBOX_CREDENTIALS };

/** Built as the functions build theirs (one factory, one retry policy), pointed at the emulator. */
export function ec2Clients(endpoint: string): Ec2Clients {
  const clients = new Map<string, EC2Client>();
  return {
    forRegion(region) {
      let client = clients.get(region);
      if (!client) {
        client = ec2Client(region, { endpoint, credentials: SANDBOX_CREDENTIALS });
        clients.set(region, client);
      }
      return client;
    },
    destroy() {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
