import { eipRelease } from '@ec2ops/core/commands';
import { placeLabel } from '@ec2ops/core/config';
import { type ListedAddress, renderEipList } from '@ec2ops/core/eip';
import { describeAddresses } from '../../ec2/addresses';
import { chunk } from '../../ec2/batches';
import { describeInstanceViews } from '../../ec2/instances';
import { eipPolicy } from '../../jobs/eip-cleanup';
import type { CommandExecutor } from '../context';
import { pageButton } from '../page-button';

/** EC2 accepts up to 200 values in one filter. */
const FILTER_VALUES = 200;

/**
 * `/ec2 eip list [idle]`: every Elastic IP of each account and region the person may see (one
 * DescribeAddresses per place, which EC2 does not paginate), the instances they are on named in
 * one filtered DescribeInstances per 200, and what the cleanup will do with the idle ones. A
 * Release button acts in the address's account and region, with the role there.
 */
export const eipList: CommandExecutor<'eip list'> = async ({ request, spec, config, span, clock }) => {
  const idleOnly = request.args.filter === 'idle';
  const found = await span<ListedAddress>(async (place) => {
    const client = place.client();
    const addresses = await describeAddresses(client);
    const names = new Map<string, string>();
    const instanceIds = idleOnly
      ? []
      : [...new Set(addresses.flatMap((a) => (a.instanceId ? [a.instanceId] : [])))];
    for (const ids of chunk(instanceIds, FILTER_VALUES)) {
      for (const i of await describeInstanceViews(client, place.region, [
        { Name: 'instance-id', Values: ids },
      ])) {
        const name = i.tags['Name'];
        if (name) names.set(i.id, name);
      }
    }
    return addresses.map((address) => ({
      account: place.alias,
      region: place.region,
      role: place.role,
      address,
      instanceName: address.instanceId ? names.get(address.instanceId) : undefined,
    }));
  });
  return renderEipList(found.rows, {
    idleOnly,
    policy: eipPolicy(config),
    nowMs: clock.now().getTime(),
    pricePerHour: config.eip.pricePerHour,
    regions: found.read.map((p) => placeLabel({ account: p.alias, region: p.region })),
    viewer: request.user,
    releaseRole: eipRelease.role,
    paging: { page: request.page, unread: found.unread, button: pageButton(request, spec) },
  });
};
