import { DescribeAddressesCommand, type EC2Client, type Address as Ec2Address } from '@aws-sdk/client-ec2';
import type { Address } from '@ec2ops/core/jobs';
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
