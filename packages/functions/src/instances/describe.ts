import {
  DescribeInstancesCommand,
  type EC2Client,
  type Filter,
  type Instance,
  paginateDescribeInstances,
} from '@aws-sdk/client-ec2';
import { InputError } from '@ec2ops/core';
import { instanceReference } from '@ec2ops/core/instances/access';
import type { InstanceTagKeys, InstanceView } from '@ec2ops/core/instances/tags';
import { tagsOf } from '../ec2/tags';
import { isNotFound } from '../jobs/aws-errors';
import type { Ec2Gateway } from '../worker/context';

/** SDK instances → core's InstanceView; shared by the instance commands and the reaper. */
export function toInstanceView(i: Instance, region: string): InstanceView {
  return {
    id: i.InstanceId ?? '',
    region,
    state: i.State?.Name ?? 'unknown',
    type: i.InstanceType,
    imageId: i.ImageId,
    privateIp: i.PrivateIpAddress,
    publicIp: i.PublicIpAddress,
    subnetId: i.SubnetId,
    launchTime: i.LaunchTime?.toISOString(),
    stateReason: i.StateReason?.Message,
    tags: tagsOf(i.Tags),
  };
}

export async function describeInstanceViews(
  client: EC2Client,
  region: string,
  filters: Filter[],
): Promise<InstanceView[]> {
  const out: InstanceView[] = [];
  for await (const page of paginateDescribeInstances({ client, pageSize: 500 }, { Filters: filters })) {
    for (const r of page.Reservations ?? [])
      for (const i of r.Instances ?? []) out.push(toInstanceView(i, region));
  }
  return out;
}

/** Re-reads instances by id; a missing one is simply absent. */
export async function describeByIds(
  client: EC2Client,
  region: string,
  ids: string[],
): Promise<InstanceView[]> {
  if (ids.length === 0) return [];
  try {
    const out = await client.send(new DescribeInstancesCommand({ InstanceIds: ids }));
    return (out.Reservations ?? []).flatMap((r) => (r.Instances ?? []).map((i) => toInstanceView(i, region)));
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

export interface FoundInstance {
  region: string;
  client: EC2Client;
  instance: InstanceView;
}

const NOT_TERMINATED = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

/**
 * One instance by id or Name across the stage's regions. Names match instances that are not
 * terminated; an id matches in any state (so "already terminated" can be said).
 */
export async function findInstance(ec2: Ec2Gateway, text: string): Promise<FoundInstance> {
  const reference = instanceReference(text);
  const found: FoundInstance[] = [];
  for (const region of ec2.regions) {
    const client = ec2.client(region);
    const list =
      reference.kind === 'id'
        ? await describeByIds(client, region, [reference.id])
        : await describeInstanceViews(client, region, [
            { Name: 'tag:Name', Values: [reference.name] },
            { Name: 'instance-state-name', Values: NOT_TERMINATED },
          ]);
    for (const instance of list) found.push({ region, client, instance });
  }
  if (found.length === 0) {
    throw new InputError('instance.not-found', `No instance ${text} in ${ec2.regions.join(', ')}.`, {
      hint: 'Give an instance id (i-…) or the exact Name of a live instance; `/ec2 list` shows them.',
    });
  }
  if (found.length > 1) {
    const ids = found.map((f) => `${f.instance.id} (${f.region})`).join(', ');
    throw new InputError('instance.ambiguous', `${found.length} instances are named ${text}: ${ids}.`, {
      hint: 'Give the instance id instead.',
    });
  }
  return found[0]!;
}

/** Pending or running managed instances a person owns, in every stage region. */
export async function countRunningOwned(
  ec2: Ec2Gateway,
  owner: string,
  keys: InstanceTagKeys,
): Promise<number> {
  let total = 0;
  for (const region of ec2.regions) {
    const list = await describeInstanceViews(ec2.client(region), region, [
      { Name: `tag:${keys.managed}`, Values: ['true'] },
      { Name: `tag:${keys.owner}`, Values: [owner] },
      { Name: 'instance-state-name', Values: ['pending', 'running'] },
    ]);
    total += list.length;
  }
  return total;
}
