import {
  DescribeInstancesCommand,
  type EC2Client,
  type Filter,
  type Instance,
  paginateDescribeInstances,
  RunInstancesCommand,
  type RunInstancesCommandInput,
  waitUntilInstanceRunning,
} from '@aws-sdk/client-ec2';
import { InputError } from '@ec2ops/core';
import type { ErrorCode } from '@ec2ops/core/error-codes';
import {
  type InstanceReference,
  type InstanceTagKeys,
  type InstanceView,
  instanceReference,
  NOT_TERMINATED,
  type RunInstancesRequest,
} from '@ec2ops/core/instances';
import type { Ec2Gateway } from './client';
import { isNotFound } from './errors';
import { tagsOf } from './tags';

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
    securityGroupIds: (i.SecurityGroups ?? []).flatMap((g) => (g.GroupId ? [g.GroupId] : [])),
    tags: tagsOf(i.Tags),
  };
}

export async function describeInstanceViews(
  client: EC2Client,
  region: string,
  filters: Filter[],
): Promise<InstanceView[]> {
  const out: InstanceView[] = [];
  for await (const page of paginateDescribeInstances({ client, pageSize: 1000 }, { Filters: filters })) {
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

/**
 * The instances `reference` names (by id, or by exact Name tag) in every stage region, narrowed
 * to `states` when given. The one lookup behind every command that takes an instance.
 */
export async function lookupInstances(
  ec2: Ec2Gateway,
  reference: InstanceReference,
  states?: readonly string[],
): Promise<FoundInstance[]> {
  const filters: Filter[] = [
    reference.kind === 'id'
      ? { Name: 'instance-id', Values: [reference.id] }
      : { Name: 'tag:Name', Values: [reference.name] },
    ...(states ? [{ Name: 'instance-state-name', Values: [...states] }] : []),
  ];
  const found: FoundInstance[] = [];
  for (const region of ec2.regions) {
    const client = ec2.client(region);
    for (const instance of await describeInstanceViews(client, region, filters))
      found.push({ region, client, instance });
  }
  return found;
}

/** The error codes and hint a command refuses a missing or ambiguous instance with. */
export interface LookupRefusal {
  notFound: ErrorCode;
  ambiguous: ErrorCode;
  hint: string;
}

/** The one instance found, or an InputError saying there is none, or which ones match. */
export function onlyInstance<T extends { region: string; instance: { id: string } }>(
  found: readonly T[],
  text: string,
  regions: readonly string[],
  refusal: LookupRefusal,
): T {
  if (found.length === 0) {
    throw new InputError(refusal.notFound, `No instance ${text} in ${regions.join(', ')}.`, {
      hint: refusal.hint,
    });
  }
  if (found.length > 1) {
    const ids = found.map((f) => `${f.instance.id} (${f.region})`).join(', ');
    throw new InputError(refusal.ambiguous, `${found.length} instances are named ${text}: ${ids}.`, {
      hint: 'Give the instance id instead.',
    });
  }
  return found[0]!;
}

/**
 * One instance by id or Name across the stage's regions. Names match instances that are not
 * terminated; an id matches in any state (so "already terminated" can be said).
 */
export async function findInstance(ec2: Ec2Gateway, text: string): Promise<FoundInstance> {
  const reference = instanceReference(text);
  const found = await lookupInstances(ec2, reference, reference.kind === 'id' ? undefined : NOT_TERMINATED);
  return onlyInstance(found, text, ec2.regions, {
    notFound: 'instance.not-found',
    ambiguous: 'instance.ambiguous',
    hint: 'Give an instance id (i-…) or the exact Name of a live instance; `/ec2 list` shows them.',
  });
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

/** How a launch wait ended: all running, one stopped starting, or the wait was over first. */
export type RunningWait = 'running' | 'failed' | 'still-pending';

/**
 * Waits with the SDK's `InstanceRunning` waiter (which already fails fast when an instance goes
 * to shutting-down/terminated/stopping), then re-reads the instances for the answer: the waiter
 * reports timeouts and failures by throwing, and the reply needs the instances' state anyway.
 */
export async function waitForRunning(
  client: EC2Client,
  region: string,
  launched: InstanceView[],
  wait: { maxWaitMs: number; pollMs: number },
): Promise<{ status: RunningWait; instances: InstanceView[] }> {
  const ids = launched.map((i) => i.id);
  const pollSeconds = Math.min(wait.pollMs, wait.maxWaitMs) / 1000;
  await waitUntilInstanceRunning(
    {
      client,
      minDelay: pollSeconds,
      maxDelay: pollSeconds,
      maxWaitTime: Math.max(wait.maxWaitMs / 1000, pollSeconds * 1.001),
    },
    { InstanceIds: ids },
  ).catch(() => undefined);
  const fresh = await describeByIds(client, region, ids);
  const instances = fresh.length ? fresh : launched;
  if (instances.some((i) => i.state !== 'pending' && i.state !== 'running'))
    return { status: 'failed', instances };
  if (instances.every((i) => i.state === 'running')) return { status: 'running', instances };
  return { status: 'still-pending', instances };
}

/**
 * RunInstances with core's request (which carries its ClientToken, so a redelivery launches
 * nothing new); the instances as EC2 first reports them, usually pending.
 */
export async function runInstances(
  client: EC2Client,
  region: string,
  request: RunInstancesRequest,
): Promise<InstanceView[]> {
  // core's request is a plain-data subset of the SDK's input: strings where the SDK has enums.
  const out = await client.send(new RunInstancesCommand(request as RunInstancesCommandInput));
  return (out.Instances ?? []).map((i) => toInstanceView(i, region));
}
