import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AllocateAddressCommand,
  DescribeAddressesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, describe, expect, it } from 'vitest';
import type { MemberAccountInput } from '../../src/accounts/registry';
import { type Ec2Emulator, startEc2Emulator } from '../../src/ec2/server';
import { clientsAt } from './support';

/**
 * `--state FILE` with member accounts: every account's EC2 state survives a restart, each in its
 * own account (nothing leaks into the hub), and a state file from a single-account emulator
 * still loads.
 */
const DEV = '111111111111';
const ACCOUNTS: MemberAccountInput[] = [
  { id: DEV, alias: 'dev', roles: [{ name: 'ec2ops-member', trusted: ['Worker'], policy: '*' }] },
];
const dir = mkdtempSync(join(tmpdir(), 'ec2ops-accounts-state-'));
const file = join(dir, 'ec2.json');
const made: Array<ReturnType<typeof clientsAt>> = [];

afterAll(() => {
  for (const clients of made) clients.destroy();
  rmSync(dir, { recursive: true, force: true });
});

async function clientsFor(emulator: Ec2Emulator): Promise<{ hub: EC2Client; dev: EC2Client }> {
  const clients = clientsAt(emulator.url);
  made.push(clients);
  const { Credentials } = await clients.sts('Worker').send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${DEV}:role/ec2ops-member`,
      RoleSessionName: 'Worker-state',
    }),
  );
  return { hub: clients.ec2('Worker', 'eu-west-1'), dev: clients.ec2(Credentials, 'eu-west-1') };
}

const addressIds = async (client: EC2Client) =>
  ((await client.send(new DescribeAddressesCommand({}))).Addresses ?? []).map((a) => a.AllocationId).sort();

describe('persistence with two accounts', () => {
  it('keeps each account’s state across a restart, in its own account', async () => {
    const first = await startEc2Emulator({ stateFile: file, accounts: ACCOUNTS, log: () => {} });
    let hubAddress: string | undefined;
    let devAddresses: (string | undefined)[] = [];
    try {
      const { hub, dev } = await clientsFor(first);
      hubAddress = (await hub.send(new AllocateAddressCommand({ Domain: 'vpc' }))).AllocationId;
      await dev.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      await dev.send(new AllocateAddressCommand({ Domain: 'vpc' }));
      devAddresses = await addressIds(dev);
      // Each account's own resources carry its id.
      const groups = (await dev.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
      expect(groups.length).toBeGreaterThan(0);
      expect(new Set(groups.map((g) => g.OwnerId))).toEqual(new Set([DEV]));
    } finally {
      await first.close();
    }
    expect(devAddresses).toHaveLength(2);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { members?: Record<string, unknown> };
    expect(Object.keys(saved.members ?? {})).toEqual([DEV]);

    const second = await startEc2Emulator({ stateFile: file, accounts: ACCOUNTS, log: () => {} });
    try {
      const { hub, dev } = await clientsFor(second);
      expect(await addressIds(dev)).toEqual(devAddresses);
      expect(await addressIds(hub)).toEqual([hubAddress]);
      expect(second.accounts.get(DEV)?.alias).toBe('dev');
    } finally {
      await second.close();
    }
  });

  it('brings back a member account the file holds even when the emulator was started without it', async () => {
    const bare = await startEc2Emulator({ stateFile: file, log: () => {} });
    try {
      expect(bare.accounts.memberAccounts().map((a) => [a.id, a.alias])).toEqual([[DEV, 'dev']]);
      expect(
        bare.accounts
          .get(DEV)
          ?.store.regions()
          .map((r) => r.region),
      ).toContain('eu-west-1');
    } finally {
      await bare.close();
    }
  });
});
