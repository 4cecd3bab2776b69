import { InputError } from '@ec2ops/core';
import { type AttachTarget, addressRef } from '@ec2ops/core/eip';
import { looseInstanceReference } from '@ec2ops/core/instances';
import type { Address } from '@ec2ops/core/jobs';
import { describeAddresses } from '../../ec2/addresses';
import type { EC2Client, Ec2Gateway, Filter } from '../../ec2/client';
import { lookupInstances, onlyInstance } from '../../ec2/instances';

/** Lookups shared by the `/ec2 eip …` executors, across the stage's regions. */
export interface FoundAddress {
  region: string;
  client: EC2Client;
  address: Address;
}

/** Filters, not AllocationIds/PublicIps: a region without the address answers empty, not NotFound. */
export async function findAddress(ec2: Ec2Gateway, reference: string): Promise<FoundAddress | undefined> {
  const ref = addressRef(reference);
  const filter: Filter =
    'allocationId' in ref
      ? { Name: 'allocation-id', Values: [ref.allocationId] }
      : { Name: 'public-ip', Values: [ref.publicIp] };
  for (const region of ec2.regions) {
    const client = ec2.client(region);
    const found = (await describeAddresses(client, [filter]))[0];
    if (found) return { region, client, address: found };
  }
  return undefined;
}

export function notFound(reference: string, ec2: Ec2Gateway): InputError {
  return new InputError('eip.not-found', `No Elastic IP ${reference} in ${ec2.regions.join(', ')}.`, {
    hint: '`/ec2 eip list` shows the addresses ec2ops sees.',
  });
}

export async function requireAddress(ec2: Ec2Gateway, reference: string): Promise<FoundAddress> {
  const found = await findAddress(ec2, reference);
  if (!found) throw notFound(reference, ec2);
  return found;
}

export interface AttachInstance extends AttachTarget {
  publicIp?: string | undefined;
}

/**
 * The instance by id or exact Name, in any state (so a terminated one is refused as such, not as
 * unknown). When a Name matches both live and terminated instances, only the live ones count.
 */
export async function findAttachInstance(
  ec2: Ec2Gateway,
  reference: string,
): Promise<{ region: string; client: EC2Client; instance: AttachInstance }> {
  const found = await lookupInstances(ec2, looseInstanceReference(reference));
  const gone = (s: string) => s === 'terminated' || s === 'shutting-down';
  const live = found.filter((f) => !gone(f.instance.state));
  return onlyInstance(live.length ? live : found, reference, ec2.regions, {
    notFound: 'eip.instance-not-found',
    ambiguous: 'eip.instance-ambiguous',
    hint: 'Give an instance id (i-…) or the exact Name tag of a running or stopped instance.',
  });
}
