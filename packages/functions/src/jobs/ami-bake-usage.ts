import type { AmiBakeObservation } from '@ec2ops/core/jobs';
import type { Target } from '../accounts/targets';
import { describeLaunchConfigurations } from '../autoscaling/launch-configurations';
import type { EC2Client } from '../ec2/client';
import { awsErrorMessage } from '../ec2/errors';
import { describeImageUsers } from '../ec2/images';
import type { RegionContext } from './types';

/**
 * "In use" beyond the region's own instances and launch templates: Auto Scaling launch
 * configurations (each pins an AMI), and, when the stage targets several accounts, instances
 * in the fleet's other accounts launched from this account's images (shared images are
 * launched there; their ImageId is ours). AMIs are regional, so only accounts that use the
 * region are read, each through its member role.
 */

type Usage = Pick<AmiBakeObservation, 'launchConfigurations' | 'foreignImageUsers' | 'unreadableUsers'>;

function accountLabel(target: Target): string {
  return target.id ? `${target.alias} (${target.id})` : target.alias;
}

/** The other accounts of the fleet that use `region`, with their EC2 client there. */
async function peers(ctx: RegionContext, region: string): Promise<{ label: string; ec2: EC2Client }[]> {
  const fleet = ctx.fleet;
  if (!fleet) return [];
  const targets = await fleet.targets.all();
  // This shard's own account: the target whose client in the home region is the one it runs with.
  const self = targets.find(
    (t) => t.regions.includes(ctx.region) && fleet.clientsFor({ target: t, region: ctx.region }) === ctx.ec2,
  );
  return targets
    .filter((t) => t !== self && t.regions.includes(region))
    .map((t) => ({ label: accountLabel(t), ec2: fleet.clientsFor({ target: t, region }) }));
}

/** What the planner adds to a region's observation (nothing is read that is not configured). */
export async function observeUsage(
  ctx: RegionContext,
  ec2: EC2Client,
  region: string,
  imageIds: string[],
): Promise<Usage> {
  const usage: Usage = {};
  if (ctx.autoScaling) {
    try {
      usage.launchConfigurations = await describeLaunchConfigurations(ctx.autoScaling(ec2));
    } catch (error) {
      // Unknown launch configurations may name any image: the bake goes on, retention holds.
      ctx.log.warn({ err: error }, 'could not read the Auto Scaling launch configurations');
      usage.unreadableUsers = [`launch configurations (${awsErrorMessage(error)})`];
    }
  }
  if (imageIds.length === 0) return usage;
  for (const peer of await peers(ctx, region)) {
    try {
      const users = await describeImageUsers(peer.ec2, imageIds);
      usage.foreignImageUsers = [
        ...(usage.foreignImageUsers ?? []),
        ...users.map((instance) => ({ account: peer.label, instance })),
      ];
    } catch (error) {
      // Not knowing what another account runs must not let retention remove what it may use.
      ctx.log.warn({ err: error, account: peer.label }, 'could not read the instances of another account');
      usage.unreadableUsers = [...(usage.unreadableUsers ?? []), `instances in account ${peer.label}`];
    }
  }
  return usage;
}

/**
 * Right before deregistering: image id → why it is now in use (a launch configuration or another
 * account's instance since the plan). Throws when it cannot read: then nothing is removed.
 */
export async function usageSincePlan(ctx: RegionContext, ids: string[]): Promise<Map<string, string>> {
  const vetoes = new Map<string, string>();
  const wanted = new Set(ids);
  if (ctx.autoScaling) {
    for (const c of await describeLaunchConfigurations(ctx.autoScaling(ctx.ec2))) {
      if (c.imageId && wanted.has(c.imageId))
        vetoes.set(c.imageId, `in use since the plan by launch configuration ${c.name}`);
    }
  }
  for (const peer of await peers(ctx, ctx.region)) {
    for (const user of await describeImageUsers(peer.ec2, ids)) {
      if (user.imageId)
        vetoes.set(
          user.imageId,
          `in use since the plan by instance ${user.id} (${user.state}) in account ${peer.label}`,
        );
    }
  }
  return vetoes;
}
