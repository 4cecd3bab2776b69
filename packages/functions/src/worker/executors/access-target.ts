import { InputError, type StageConfig } from '@ec2ops/core';
import { accessTagKeys, groupAllowed, groupNotAllowed } from '@ec2ops/core/access';
import { SECURITY_GROUP_ID } from '@ec2ops/core/aws-ids';
import { instanceLabel, LIVE_STATES, looseInstanceReference } from '@ec2ops/core/instances';
import type { EC2Client, Ec2Gateway } from '../../ec2/client';
import { lookupInstances } from '../../ec2/instances';
import { describeSecurityGroups, type SecurityGroupView } from '../../ec2/security-groups';

/**
 * The security group an access command acts on: a group by id, or the access group of an
 * instance (by id or Name): the one of its groups tagged `<prefix>access-group=true`.
 * Refused when unknown, ambiguous, or not a group Slack may change.
 */
export interface TargetGroup {
  region: string;
  client: EC2Client;
  groupId: string;
  groupName: string | undefined;
  vpcId: string | undefined;
  tags: Record<string, string>;
  /** `i-… (web)` when the target was an instance. */
  via?: string;
}

function toTarget(region: string, client: EC2Client, group: SecurityGroupView, via?: string): TargetGroup {
  return { region, client, ...group, ...(via ? { via } : {}) };
}

export function targetLabel(target: TargetGroup): string {
  const group = target.groupName ? `${target.groupId} (${target.groupName})` : target.groupId;
  return target.via ? `${group}, the access group of ${target.via}` : group;
}

/** The group, checked against the stage's access.groups. */
export async function findTargetGroup(
  ec2: Ec2Gateway,
  target: string,
  config: StageConfig,
): Promise<TargetGroup> {
  const found = await locate(ec2, target, config);
  if (!groupAllowed(found, config)) throw groupNotAllowed(found.groupId, config);
  return found;
}

async function locate(ec2: Ec2Gateway, target: string, config: StageConfig): Promise<TargetGroup> {
  const where = ec2.regions.join(', ');
  if (SECURITY_GROUP_ID.test(target)) {
    for (const region of ec2.regions) {
      const client = ec2.client(region);
      const group = (await describeSecurityGroups(client, [target]))[0];
      if (group) return toTarget(region, client, group);
    }
    throw new InputError('access.target-not-found', `No security group ${target} in ${where}.`, {
      hint: 'Give a security group id (sg-…), an instance id (i-…) or an instance Name tag.',
    });
  }
  const keys = accessTagKeys(config.tagPrefix);
  const instances = await lookupInstances(ec2, looseInstanceReference(target), LIVE_STATES);
  if (instances.length === 0) {
    throw new InputError('access.target-not-found', `No security group or instance ${target} in ${where}.`, {
      hint: 'Give a security group id (sg-…), an instance id (i-…) or the exact Name tag of a running or stopped instance.',
    });
  }
  if (instances.length > 1) {
    throw new InputError(
      'access.target-ambiguous',
      `${instances.length} instances are named ${target}: ${instances.map((i) => `${i.instance.id} (${i.region})`).join(', ')}.`,
      { hint: 'Give the instance id or the security group id instead.' },
    );
  }
  const { region, client, instance } = instances[0]!;
  const via = instanceLabel(instance);
  const groupIds = instance.securityGroupIds ?? [];
  const groups = await describeSecurityGroups(client, groupIds);
  const designated = groups.filter((g) => g.tags[keys.accessGroup] === 'true');
  if (designated.length === 0) {
    throw new InputError(
      'access.no-access-group',
      `${via} has no security group tagged ${keys.accessGroup}=true, so ec2ops does not know where to open ports for it.`,
      {
        hint: `An admin can tag one of its groups (${groupIds.join(', ') || 'none'}) ${keys.accessGroup}=true, or name a group: \`on sg-…\`.`,
      },
    );
  }
  if (designated.length > 1) {
    throw new InputError(
      'access.access-group-ambiguous',
      `${via} has ${designated.length} groups tagged ${keys.accessGroup}=true: ${designated.map((g) => g.groupId).join(', ')}.`,
      { hint: 'Name the group instead: `on sg-…`.' },
    );
  }
  return toTarget(region, client, designated[0]!, via);
}
