import type { CommandRequest, CommandSpec } from '@ec2ops/core/commands';
import {
  chooseTarget,
  noRoleThere,
  roleAtLeast,
  roleInAccount,
  SPANNING_COMMANDS,
  type StageConfig,
} from '@ec2ops/core/config';
import { ConfigError } from '@ec2ops/core/errors';
import type { Fleet } from '../accounts/clients';
import { memberTarget } from '../accounts/targets';
import type { Ec2Gateway } from '../ec2/client';

/**
 * Where a command acts (issue 15): `account=` and `region=` as typed, else the channel's binding,
 * else the stage's default. The executor gets an Ec2Gateway bound there, so executors need no
 * change: `ctx.ec2.client()` is the target account's client in the chosen region.
 */
export function commandGateway(
  deps: { config: StageConfig; ec2: Ec2Gateway; fleet?: Fleet | undefined },
  request: Pick<CommandRequest, 'account' | 'region' | 'channel' | 'user'>,
  spec: Pick<CommandSpec, 'name' | 'role'>,
): Ec2Gateway {
  const { config } = deps;
  // Lists that span accounts read through `span` (worker/span.ts), which checks each account.
  if (SPANNING_COMMANDS.has(spec.name)) return deps.ec2;
  const chosen = chooseTarget(config, {
    account: request.account,
    region: request.region,
    channel: request.channel.id,
  });
  // A region the person or the channel named narrows the command to it; otherwise every region of the target.
  const named = request.region !== undefined || config.channels?.[request.channel.id]?.region !== undefined;
  if (!chosen.account) {
    if (!named) return deps.ec2;
    return { regions: [chosen.region], client: (region = chosen.region) => deps.ec2.client(region) };
  }
  refuseWithoutRoleThere(config, chosen.account, request.user, spec);
  if (!deps.fleet) {
    throw new ConfigError('This stage lists member accounts but the worker was built without them.', {
      hint: 'The worker root builds the fleet from the stage config; check its assembly.',
    });
  }
  const fleet = deps.fleet;
  const target = memberTarget(config, chosen.account);
  const regions = named ? [chosen.region] : target.regions;
  return { regions, client: (region = chosen.region) => fleet.clientsFor({ target, region }) };
}

/**
 * The person's role in the target account decides (roleInAccount: bootstrap admins, then the
 * account's own users and groups when `roles.accounts` lists it, else the stage-wide ones): an
 * operator in dev may be a viewer in prod, and someone with no role there is refused there.
 */
function refuseWithoutRoleThere(
  config: StageConfig,
  account: { id: string; alias: string },
  user: CommandRequest['user'],
  spec: Pick<CommandSpec, 'name' | 'role'>,
): void {
  const role = roleInAccount(user, config.roles, account);
  if (!roleAtLeast(role, spec.role)) throw noRoleThere(spec, account.alias, role);
}
