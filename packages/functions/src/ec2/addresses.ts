import { DescribeAddressesCommand, type EC2Client, type Address as Ec2Address } from '@aws-sdk/client-ec2';
import type { Address } from '@ec2ops/core/jobs';
import { chunk } from './batches';
import { isNotFound } from './errors';
import { tagsOf } from './tags';

/** SDK addresses → core's Address; shared by the eip commands and eip-cleanup. */
export function toAddress(a: Ec2Address): Address {
  return {
    allocationId: a.AllocationId,
    publicIp: a.PublicIp,
    associationId: a.AssociationId,
    instanceId: a.InstanceId,
    networkInterfaceId: a.NetworkInterfaceId,
    networkBorderGroup: a.NetworkBorderGroup,
    tags: tagsOf(a.Tags),
  };
}

/** One address re-read by allocation id, or undefined when it is gone. */
export async function describeOne(ec2: EC2Client, allocationId: string): Promise<Address | undefined> {
  try {
    const out = await ec2.send(new DescribeAddressesCommand({ AllocationIds: [allocationId] }));
    const found = out.Addresses?.find((a) => a.AllocationId === allocationId);
    return found ? toAddress(found) : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** EC2 accepts up to 200 values in one filter. */
const FILTER_VALUES = 200;

/**
 * Many addresses re-read by allocation id, 200 a call, those that are gone simply absent: a
 * filter, unlike `AllocationIds`, does not fail the whole call for one released address.
 */
export async function describeMany(
  ec2: EC2Client,
  allocationIds: readonly string[],
): Promise<Map<string, Address>> {
  const found = new Map<string, Address>();
  for (const ids of chunk(allocationIds, FILTER_VALUES)) {
    const out = await ec2.send(
      new DescribeAddressesCommand({ Filters: [{ Name: 'allocation-id', Values: ids }] }),
    );
    for (const a of out.Addresses ?? []) if (a.AllocationId) found.set(a.AllocationId, toAddress(a));
  }
  return found;
}
