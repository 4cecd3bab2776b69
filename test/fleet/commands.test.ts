import { AllocateAddressCommand, DescribeAddressesCommand } from '@aws-sdk/client-ec2';
import { commands, parseCommand } from '@ec2ops/core/commands';
import type { Fleet } from '@ec2ops/functions/accounts/clients';
import { ec2ClientsByRegion, ec2Gateway } from '@ec2ops/functions/ec2/client';
import { commandGateway } from '@ec2ops/functions/worker/target';
import { functionCredentials } from '@ec2ops/sandbox/iam/stage-policies';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NOW } from '../jobs/eip-fixtures';
import { DEV, type FleetWorld, fleetConfig, PROD, startFleetWorld } from './world';

/**
 * Issue 15: `account=` and `region=` on a command send the worker's EC2 calls to that account
 * and region only (through the member role, IAM enforced); a channel bound to an account
 * defaults there; a person without a role in an account is refused there with a stable code.
 */
const config = fleetConfig({
  channels: { C0PRODEU: { account: 'prod', region: 'eu-west-1' } },
  roles: { users: { UOPERATOR: 'operator' }, accounts: { prod: { users: { UOPERATOR: 'viewer' } } } },
});
const spec = { name: 'eip allocate', role: 'operator' as const };

let world: FleetWorld;
let fleet: Fleet;
beforeEach(async () => {
  world = await startFleetWorld(config);
  fleet = world.fleetAs('worker', { now: () => NOW });
});
afterEach(async () => {
  fleet.destroy();
  await world.close();
});

const gatewayFor = (text: string, channel = 'C0GENERAL', user = 'UOPERATOR') => {
  const parsed = parseCommand(text, commands);
  const hub = ec2Gateway(
    config.regions,
    ec2ClientsByRegion({ endpoint: world.emulator.url, credentials: functionCredentials('worker') }),
  );
  return commandGateway(
    { config, ec2: hub, fleet },
    {
      account: parsed.account,
      region: parsed.region,
      channel: { id: channel },
      user: { id: user, role: 'operator' as const },
    },
    spec,
  );
};
const addressCount = async (account: string, region: string) =>
  ((await (await world.admin(account, region)).send(new DescribeAddressesCommand({}))).Addresses ?? [])
    .length;

describe('account= and region= on a command', () => {
  it('act only in the named account and region', async () => {
    const gateway = gatewayFor('eip list account=dev region=eu-west-1');
    expect(gateway.regions).toEqual(['eu-west-1']);
    await gateway.client().send(
      new AllocateAddressCommand({
        Domain: 'vpc',
        // As `eip allocate` does: the policy allows only addresses tagged managed as they are created.
        TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [{ Key: 'ec2ops:managed', Value: 'true' }] }],
      }),
    );

    expect(await addressCount(DEV, 'eu-west-1')).toBe(1);
    expect(await addressCount(DEV, 'us-east-1')).toBe(0);
    expect(await addressCount(PROD, 'eu-west-1')).toBe(0);
    expect(world.denials()).toEqual([]);
  });

  it('refuse a person without the needed role in that account, and change nothing there', async () => {
    expect(() => gatewayFor('eip list account=prod')).toThrow(
      expect.objectContaining({
        code: 'fleet.no-role-there',
        message: expect.stringContaining('the viewer role'),
      }),
    );
    // Bound to prod: the same refusal without typing account=.
    expect(() => gatewayFor('eip list', 'C0PRODEU')).toThrow(
      expect.objectContaining({ code: 'fleet.no-role-there' }),
    );
    expect(await addressCount(PROD, 'us-east-1')).toBe(0);
  });

  it('refuse an account or region the stage does not use, with stable codes', () => {
    expect(() => gatewayFor('eip list account=qa')).toThrow(
      expect.objectContaining({ code: 'fleet.unknown-account' }),
    );
    expect(() => gatewayFor('eip list region=ap-south-1')).toThrow(
      expect.objectContaining({ code: 'fleet.unknown-region' }),
    );
    expect(() => parseCommand('eip list region=nowhere', commands)).toThrow(
      expect.objectContaining({ code: 'command.invalid-value' }),
    );
  });
});
