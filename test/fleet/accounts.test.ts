import { fleetOf } from '@ec2ops/functions/accounts/clients';
import { memberTarget } from '@ec2ops/functions/accounts/targets';
import { build } from '@ec2ops/functions/root';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { allAtOnce } from '../coordination/support';
import { DEV, type FleetWorld, fleetConfig, OU, PROD, startFleetWorld } from './world';

/**
 * The hub's side of issue 15 against the emulator's STS and Organizations: member credentials are
 * assumed once per account and reused until 5 minutes before they expire, and accounts are
 * discovered from the organization (every account but the management one, or an OU's).
 */
let world: FleetWorld;
let offsetMs = 0;
let base = 0;
const clock = { now: () => new Date(base + offsetMs) };

beforeEach(async () => {
  // The functions' policies then also allow the Organizations reads (the emulator enforces them).
  world = await startFleetWorld(fleetConfig({ organization: {} }));
  const res = await fetch(`${world.emulator.url}/_emulator/clock`);
  base = Date.parse(((await res.json()) as { now: string }).now);
  offsetMs = 0;
});
afterEach(async () => {
  await world.close();
});

describe('member credentials', () => {
  it('N concurrent shards of one account share one AssumeRole; reused until 5 minutes before expiry', async () => {
    const fleet = world.fleetAs('eip-cleanup', clock);
    const dev = memberTarget(world.config, world.config.accounts![0]!);
    try {
      const first = await allAtOnce(8, () => fleet.credentials(dev)());
      expect(new Set(first.map((c) => c.accessKeyId)).size).toBe(1);
      const key = first[0]!.accessKeyId;
      const untilRenewal = first[0]!.expiration.getTime() - 5 * 60_000 - base;

      offsetMs = untilRenewal - 1000;
      expect((await fleet.credentials(dev)()).accessKeyId).toBe(key);

      offsetMs = untilRenewal + 1000;
      const renewed = await allAtOnce(4, () => fleet.credentials(dev)());
      expect(new Set(renewed.map((c) => c.accessKeyId)).size).toBe(1);
      expect(renewed[0]!.accessKeyId).not.toBe(key);
    } finally {
      fleet.destroy();
    }
  });
});

describe('accounts discovered from Organizations', () => {
  const discovered = async (organization: Record<string, unknown>) => {
    const config = fleetConfig({ accounts: undefined, organization });
    const fleet = fleetOf(
      build({
        fn: 'EipCleanupJob',
        env: {},
        clock,
        endpoints: { ec2: world.emulator.url, sts: world.emulator.url, organizations: world.emulator.url },
        region: 'us-east-1',
        credentials: { accessKeyId: 'EipCleanupJob', secretAccessKey: 'sandbox' },
      }),
      config,
    );
    try {
      return (await fleet.targets.all()).map((t) => `${t.id}:${t.roleArn}`);
    } finally {
      fleet.destroy();
    }
  };

  it('every member account but the management one, with the stage role', async () => {
    expect(await discovered({})).toEqual(
      expect.arrayContaining([
        `${DEV}:arn:aws:iam::${DEV}:role/ec2ops-member-fleet`,
        `${PROD}:arn:aws:iam::${PROD}:role/ec2ops-member-fleet`,
      ]),
    );
    expect((await discovered({})).some((t) => t.startsWith('123456789012'))).toBe(false);
  });

  it("only a named OU's accounts", async () => {
    const res = await fetch(`${world.emulator.url}/_emulator/organization/units`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: OU, name: 'ec2ops' }),
    });
    expect(res.ok).toBe(true);
    expect(await discovered({ ous: [OU] })).toEqual([`${DEV}:arn:aws:iam::${DEV}:role/ec2ops-member-fleet`]);
  });
});
