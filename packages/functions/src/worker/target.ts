import type { CommandRequest, CommandSpec } from '@ec2ops/core/commands';
import { chooseTarget, highestRole, roleAtLeast, type StageConfig } from '@ec2ops/core/config';
import { ConfigError, ForbiddenError } from '@ec2ops/core/errors';
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
 * An account with its own role mapping (`roles.accounts`) gives each person the role listed
 * there (bootstrap admins stay admins): an operator in dev may be a viewer in prod, and someone
 * not listed has no role there at all.
 */
function refuseWithoutRoleThere(
  config: StageConfig,
  account: { id: string; alias: string },
  user: { id: string },
  spec: Pick<CommandSpec, 'name' | 'role'>,
): void {
  const own = config.roles.accounts?.[account.alias] ?? config.roles.accounts?.[account.id];
  if (!own) return;
  const role = highestRole(
    config.roles.bootstrapAdmins.includes(user.id) ? 'admin' : undefined,
    own.users[user.id],
  );
  if (!roleAtLeast(role, spec.role)) {
    throw new ForbiddenError(
      'fleet.no-role-there',
      `\`${spec.name}\` needs the ${spec.role} role in account ${account.alias}; you have ${role ? `the ${role} role` : 'no role'} there.`,
      { hint: 'Ask an ec2ops admin for a role in that account (roles.accounts in the stage config).' },
    );
  }
}
