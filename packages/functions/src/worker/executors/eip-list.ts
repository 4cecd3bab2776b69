import { DescribeAddressesCommand, paginateDescribeInstances } from '@aws-sdk/client-ec2';
import { eipRelease } from '@ec2ops/core/commands';
import { type ListedAddress, renderEipList } from '@ec2ops/core/eip';
import { toAddress } from '../../ec2/addresses';
import { chunk } from '../../ec2/batches';
import { eipPolicy } from '../../jobs/eip-cleanup';
import type { Executor } from '../context';

/** EC2 accepts up to 200 values in one filter. */
const FILTER_VALUES = 200;

/**
 * `/ec2 eip list [idle]`: every Elastic IP of the stage's regions (one DescribeAddresses per
 * region, which EC2 does not paginate), the instances they are on named in one filtered
 * DescribeInstances per 200, and what the cleanup will do with the idle ones.
 */
export const eipList: Executor = async ({ request, config, ec2, clock }) => {
  const idleOnly = request.args['filter'] === 'idle';
  const listed: ListedAddress[] = [];
  for (const region of ec2.regions) {
    const client = ec2.client(region);
    const out = await client.send(new DescribeAddressesCommand({}));
    const addresses = (out.Addresses ?? []).map(toAddress);
    const names = new Map<string, string>();
    const instanceIds = idleOnly
      ? []
      : [...new Set(addresses.flatMap((a) => (a.instanceId ? [a.instanceId] : [])))];
    for (const ids of chunk(instanceIds, FILTER_VALUES)) {
      const pages = paginateDescribeInstances(
        { client, pageSize: 1000 },
        { Filters: [{ Name: 'instance-id', Values: ids }] },
      );
      for await (const page of pages) {
        for (const r of page.Reservations ?? []) {
          for (const i of r.Instances ?? []) {
            const name = i.Tags?.find((t) => t.Key === 'Name')?.Value;
            if (i.InstanceId && name) names.set(i.InstanceId, name);
          }
        }
      }
    }
    for (const address of addresses) {
      listed.push({
        region,
        address,
        instanceName: address.instanceId ? names.get(address.instanceId) : undefined,
      });
    }
  }
  return renderEipList(listed, {
    idleOnly,
    policy: eipPolicy(config),
    nowMs: clock.now().getTime(),
    pricePerHour: config.eip.pricePerHour,
    regions: ec2.regions,
    viewer: request.user,
    releaseRole: eipRelease.role,
  });
};
