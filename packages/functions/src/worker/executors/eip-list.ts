import { type ListedAddress, renderEipList } from '@ec2ops/core/eip';
import { describeAddresses } from '../../ec2/addresses';
import { chunk } from '../../ec2/batches';
import { describeInstanceViews } from '../../ec2/instances';
import { eipPolicy } from '../../jobs/eip-cleanup';
import type { CommandExecutor } from '../context';

/** EC2 accepts up to 200 values in one filter. */
const FILTER_VALUES = 200;

/**
 * `/ec2 eip list [idle]`: every Elastic IP of the stage's regions (one DescribeAddresses per
 * region, which EC2 does not paginate), the instances they are on named in one filtered
 * DescribeInstances per 200, and what the cleanup will do with the idle ones.
 */
export const eipList: CommandExecutor<'eip list'> = async ({ request, config, ec2, clock }) => {
  const idleOnly = request.args.filter === 'idle';
  const listed: ListedAddress[] = [];
  for (const region of ec2.regions) {
    const client = ec2.client(region);
    const addresses = await describeAddresses(client);
    const names = new Map<string, string>();
    const instanceIds = idleOnly
      ? []
      : [...new Set(addresses.flatMap((a) => (a.instanceId ? [a.instanceId] : [])))];
    for (const ids of chunk(instanceIds, FILTER_VALUES)) {
      for (const i of await describeInstanceViews(client, region, [{ Name: 'instance-id', Values: ids }])) {
        const name = i.tags['Name'];
        if (name) names.set(i.id, name);
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
  });
};
