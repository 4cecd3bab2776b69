import type { StageConfig } from '@ec2ops/core/config';
import type { InstanceTagKeys } from '@ec2ops/core/instances';
import { checkRunningLimit } from '@ec2ops/core/instances';
import type { Ec2Gateway } from '../ec2/client';
import { countRunningOwned, describeInstanceViews } from '../ec2/instances';
import type { LaunchReservations } from './reservations';

/**
 * What the limit check reads of a request: who asked, the stage's launch limits, EC2 and the
 * reservations. An executor's context has all of it; coordination sits below the worker and
 * names no worker type.
 */
export interface LaunchLimitContext {
  request: { id: string; user: { id: string } };
  config: Pick<StageConfig, 'launch'>;
  ec2: Ec2Gateway;
  reservations?: LaunchReservations | undefined;
}

/** What a launch does after RunInstances with the reservation it holds. */
export interface HeldLaunch {
  launched(ids: readonly string[]): Promise<void>;
  failed(): Promise<void>;
}

const NOTHING_HELD: HeldLaunch = { launched: async () => {}, failed: async () => {} };

/**
 * Checks the per-user limit before RunInstances, or StartInstances of a stopped instance
 * (`starting`: the user's own; its reservation counts until EC2 shows the instance live). With the coordination table the check and the
 * reservation are one atomic step (reservations.ts); without it, the plain count of live
 * instances, which concurrent launches can pass.
 */
export async function holdLaunch(
  ctx: LaunchLimitContext,
  count: number,
  keys: InstanceTagKeys,
  options: { starting?: boolean } = {},
): Promise<HeldLaunch> {
  const { request, config, reservations } = ctx;
  const user = request.user.id;
  if (!reservations) {
    checkRunningLimit(await countRunningOwned(ctx.ec2, user, keys), count, config.launch);
    return NOTHING_HELD;
  }
  await reservations.reserve({
    user,
    requestId: request.id,
    count,
    limit: config.launch.maxRunningPerUser,
    ...(await ownedIds(ctx, user, keys)),
    refuse: (inUse) => {
      checkRunningLimit(inUse, count, config.launch);
      throw new Error('unreachable: checkRunningLimit refuses when over the limit');
    },
  });
  return {
    launched: (ids) => reservations.launched(user, request.id, ids, options.starting),
    failed: () => reservations.release(user, request.id),
  };
}

/**
 * The user's managed instances in every region of the stage: `live` (pending or running, what
 * the limit counts) and `seen` (any state: EC2 shows terminated ones for about an hour), which
 * tells a reservation whose instances are visible from one whose instances are not yet.
 */
async function ownedIds(
  ctx: LaunchLimitContext,
  owner: string,
  keys: InstanceTagKeys,
): Promise<{ live: string[]; seen: string[] }> {
  const live: string[] = [];
  const seen: string[] = [];
  for (const region of ctx.ec2.regions) {
    const list = await describeInstanceViews(ctx.ec2.client(region), region, [
      { Name: `tag:${keys.managed}`, Values: ['true'] },
      { Name: `tag:${keys.owner}`, Values: [owner] },
    ]);
    for (const i of list) {
      seen.push(i.id);
      if (i.state === 'pending' || i.state === 'running') live.push(i.id);
    }
  }
  return { live, seen };
}
