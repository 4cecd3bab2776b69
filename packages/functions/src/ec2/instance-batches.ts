import {
  DescribeInstancesCommand,
  type EC2Client,
  StartInstancesCommand,
  StopInstancesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import type { InstanceView } from '@ec2ops/core/instances';
import { type BatchOptions, type Refusal, sendInBatches } from './batch-send';
import { isNotFound } from './errors';
import { toInstanceView } from './instances';
import { Pacer } from './pacing';

/**
 * EC2's documented default buckets for Start/Stop/TerminateInstances, per account and region:
 * the mutating request bucket (50, refilled 5/s) and each action's resource bucket, which
 * takes one token per instance (Stop/Terminate 1,000 refilled 20/s, Start 1,000 refilled 2/s).
 */
export const INSTANCE_STATE_BUCKETS = {
  request: { burst: 50, perSecond: 5 },
  stop: { burst: 1000, perSecond: 20 },
  terminate: { burst: 1000, perSecond: 20 },
  start: { burst: 1000, perSecond: 2 },
} as const;

export type InstanceStateAction = 'start' | 'stop' | 'terminate';

/** Instances re-read by id; one that is gone is simply absent, one EC2 would not describe is refused. */
export async function readInstances(
  client: EC2Client,
  region: string,
  ids: readonly string[],
  options: BatchOptions = {},
): Promise<{ found: Map<string, InstanceView>; refused: Refusal[] }> {
  const run = await sendInBatches(
    ids,
    (batch) => client.send(new DescribeInstancesCommand({ InstanceIds: batch })),
    options,
  );
  const found = new Map<string, InstanceView>();
  for (const out of run.responses)
    for (const r of out.Reservations ?? [])
      for (const i of r.Instances ?? []) {
        const view = toInstanceView(i, region);
        found.set(view.id, view);
      }
  return { found, refused: run.refused.filter((r) => !isNotFound(r.error)) };
}

/** Client-side pacing at EC2's documented buckets for one action, shared by a run's calls. */
export function instanceStatePacing(action: InstanceStateAction): (ids: readonly string[]) => Promise<void> {
  const request = new Pacer(INSTANCE_STATE_BUCKETS.request.burst, INSTANCE_STATE_BUCKETS.request.perSecond);
  const resources = new Pacer(INSTANCE_STATE_BUCKETS[action].burst, INSTANCE_STATE_BUCKETS[action].perSecond);
  return async (ids) => {
    await request.take();
    await resources.take(ids.length);
  };
}

/** One Start/Stop/TerminateInstances call; EC2's refusal is thrown as it came. */
export async function changeInstanceState(
  client: EC2Client,
  action: InstanceStateAction,
  ids: readonly string[],
): Promise<void> {
  const InstanceIds = [...ids];
  if (action === 'stop') await client.send(new StopInstancesCommand({ InstanceIds }));
  else if (action === 'start') await client.send(new StartInstancesCommand({ InstanceIds }));
  else await client.send(new TerminateInstancesCommand({ InstanceIds }));
}

/**
 * Starts, stops or terminates instances up to 1,000 per call (TerminateInstances' documented
 * maximum; Start/Stop share its resource bucket size), paced at EC2's buckets unless the caller
 * paces. Per instance: accepted, or refused with the error that named it.
 */
export async function changeInstanceStates(
  client: EC2Client,
  action: InstanceStateAction,
  ids: readonly string[],
  options: BatchOptions = {},
): Promise<{ accepted: string[]; refused: Refusal[] }> {
  const run = await sendInBatches<unknown>(ids, (batch) => changeInstanceState(client, action, batch), {
    size: options.size,
    before: options.before ?? instanceStatePacing(action),
  });
  return { accepted: run.accepted, refused: run.refused };
}
