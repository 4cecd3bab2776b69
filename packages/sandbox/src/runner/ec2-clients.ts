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

/**
 * Built as the functions build theirs (one factory, one retry policy), pointed at the emulator;
 * signed with the sandbox's own key, or the one given (its key in a member account).
 */
export function ec2Clients(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string } = SANDBOX_CREDENTIALS,
): Ec2Clients {
  const clients = new Map<string, EC2Client>();
  return {
    forRegion(region) {
      let client = clients.get(region);
      if (!client) {
        client = ec2Client(region, { endpoint, credentials });
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
