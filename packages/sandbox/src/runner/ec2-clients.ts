import { EC2Client } from '@aws-sdk/client-ec2';

/** One EC2 client per region against the emulator, for the seed and the console's account view. */
export interface Ec2Clients {
  forRegion(region: string): EC2Client;
  destroy(): void;
}

export function ec2Clients(endpoint: string): Ec2Clients {
  const clients = new Map<string, EC2Client>();
  return {
    forRegion(region) {
      let client = clients.get(region);
      if (!client) {
        // Credentials come from the environment the sandbox set for the handlers (dummies).
        client = new EC2Client({ region, endpoint, maxAttempts: 1 });
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
