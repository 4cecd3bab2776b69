import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  DescribeAddressesCommand,
  type EC2Client,
  type Address as Ec2Address,
  type Filter,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import type { Address } from '@ec2ops/core/jobs';
import { isNotFound } from './errors';
import { tagsOf, toTagList } from './tags';

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

/**
 * Addresses matching the filters (all of the region's without). Filters rather than
 * AllocationIds/PublicIps: an address that is not there reads as none, not as NotFound.
 * EC2 does not paginate DescribeAddresses.
 */
export async function describeAddresses(client: EC2Client, filters: Filter[] = []): Promise<Address[]> {
  const out = await client.send(new DescribeAddressesCommand(filters.length ? { Filters: filters } : {}));
  return (out.Addresses ?? []).map(toAddress);
}

/** A new VPC address, tagged as it is created (AllocateAddress takes no ClientToken: tag a token). */
export async function allocateAddress(
  client: EC2Client,
  tags: Readonly<Record<string, string>>,
): Promise<Address> {
  const out = await client.send(
    new AllocateAddressCommand({
      Domain: 'vpc',
      TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: toTagList(tags) }],
    }),
  );
  return { allocationId: out.AllocationId, publicIp: out.PublicIp, tags: { ...tags } };
}

/** Associates an address with an instance; never moves one that is associated elsewhere. */
export async function associateAddress(
  client: EC2Client,
  allocationId: string,
  instanceId: string,
): Promise<void> {
  await client.send(
    new AssociateAddressCommand({
      AllocationId: allocationId,
      InstanceId: instanceId,
      AllowReassociation: false,
    }),
  );
}

/**
 * Releases an address. An address from another network border group (a Local Zone) must name
 * it; in the region's own group it is left out.
 */
export async function releaseAddress(
  client: EC2Client,
  allocationId: string,
  options: { region?: string; networkBorderGroup?: string | undefined } = {},
): Promise<void> {
  const border = options.networkBorderGroup;
  await client.send(
    new ReleaseAddressCommand({
      AllocationId: allocationId,
      ...(border && border !== options.region ? { NetworkBorderGroup: border } : {}),
    }),
  );
}
