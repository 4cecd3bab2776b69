import type { ItemResult, PlanItem } from '@ec2ops/core/jobs';
import { awsErrorCode, awsErrorMessage } from '../ec2/errors';
import { resultOf, settle } from './apply-helpers';
import type { NotifierMessage, RegionContext } from './types';

/**
 * The "tell the owner before we act" step every job shares: no notifier means the item is
 * skipped and says so; a failed DM fails only this item and the next run tries again. Recording
 * that the warning went out (a tag) stays with each job, since each records it differently.
 */
export async function warnOwner(
  ctx: Pick<RegionContext, 'notifier'>,
  item: PlanItem,
  owner: string,
  message: NotifierMessage,
): Promise<ItemResult> {
  const notifier = ctx.notifier;
  if (!notifier)
    return resultOf(item, { status: 'skipped', reason: 'no Slack notifier configured: owner not told' });
  return settle(
    item,
    async () => {
      await notifier.dm(owner, message);
      return { status: 'done', detail: `told ${owner}` };
    },
    (error) => ({
      code: awsErrorCode(error),
      message: `cannot warn ${owner}: ${awsErrorMessage(error)}, do check the Slack token and that the user exists; the next run tries again`,
    }),
  );
}
