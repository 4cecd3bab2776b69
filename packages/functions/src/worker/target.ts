import type { CommandRequest, CommandSpec } from '@ec2ops/core/commands';
import {
  chooseTarget,
  noRoleThere,
  type Role,
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
  return commandTarget(deps, request, spec).ec2;
}

/**
 * The gateway of the account a command acts in and the person's role THERE: the executor sees
 * that role as `request.user.role`, so what an admin may do (release someone else's address) is
 * what an admin in that account may do, not an admin anywhere.
 */
export function commandTarget(
  deps: { config: StageConfig; ec2: Ec2Gateway; fleet?: Fleet | undefined },
  request: Pick<CommandRequest, 'account' | 'region' | 'channel' | 'user'>,
  spec: Pick<CommandSpec, 'name' | 'role'>,
): { ec2: Ec2Gateway; role: Role } {
  const { config } = deps;
  const asked = request.user.role;
  // Lists that span accounts read through `span` (worker/span.ts), which checks each account.
  if (SPANNING_COMMANDS.has(spec.name)) return { ec2: deps.ec2, role: asked };
  const chosen = chooseTarget(config, {
    account: request.account,
    region: request.region,
    channel: request.channel.id,
  });
  // A region the person or the channel named narrows the command to it; otherwise every region of the target.
  const named = request.region !== undefined || config.channels?.[request.channel.id]?.region !== undefined;
  if (!chosen.account) {
    if (!named) return { ec2: deps.ec2, role: asked };
    const one = { regions: [chosen.region], client: (region = chosen.region) => deps.ec2.client(region) };
    return { ec2: one, role: asked };
  }
  const role = roleThere(config, chosen.account, request.user, spec);
  if (!deps.fleet) {
    throw new ConfigError('This stage lists member accounts but the worker was built without them.', {
      hint: 'The worker root builds the fleet from the stage config; check its assembly.',
    });
  }
  const fleet = deps.fleet;
  const target = memberTarget(config, chosen.account);
  const regions = named ? [chosen.region] : target.regions;
  return { ec2: { regions, client: (region = chosen.region) => fleet.clientsFor({ target, region }) }, role };
}

/**
 * The person's role in the target account decides (roleInAccount: bootstrap admins, then the
 * account's own users and groups when `roles.accounts` lists it, else the stage-wide ones): an
 * operator in dev may be a viewer in prod, and someone with no role there is refused there.
 */
function roleThere(
  config: StageConfig,
  account: { id: string; alias: string },
  user: CommandRequest['user'],
  spec: Pick<CommandSpec, 'name' | 'role'>,
): Role {
  const role = roleInAccount(user, config.roles, account);
  if (!role || !roleAtLeast(role, spec.role)) throw noRoleThere(spec, account.alias, role);
  return role;
}
