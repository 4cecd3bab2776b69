import { EC2Client } from '@aws-sdk/client-ec2';

/** What the console-account tests share: one SDK client per region, and the stage's view options. */
export const accessGroupTags = { 'ec2ops:access-group': 'true' };

export function regionClients(url: () => string) {
  const clients = new Map<string, EC2Client>();
  const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' };
  return {
    client(region: string): EC2Client {
      let c = clients.get(region);
      if (!c) {
        c = new EC2Client({ region, endpoint: url(), credentials, maxAttempts: 1 });
        clients.set(region, c);
      }
      return c;
    },
    destroy(): void {
      for (const c of clients.values()) c.destroy();
    },
  };
}

export const viewOptions = (regions: string[], now: () => number) => ({
  regions,
  tagPrefix: 'ec2ops:',
  now,
  ipv4PricePerHour: 0.005,
  accessGroups: { ids: [], tags: accessGroupTags },
  aliases: { al2023: { owner: 'amazon', name: 'al2023-ami-2023.*-kernel-6.1-*', architecture: 'x86_64' } },
});
