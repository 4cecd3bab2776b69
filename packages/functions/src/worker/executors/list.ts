import {
  type InstanceView,
  instanceTagKeys,
  NOT_TERMINATED,
  renderInstanceList,
} from '@ec2ops/core/instances';
import { describeInstanceViews } from '../../ec2/instances';
import type { CommandExecutor } from '../context';

/** `/ec2 list [mine|all] [state=…]`: managed instances of every stage region, filtered by EC2. */
export const list: CommandExecutor<'list'> = async ({ request, config, ec2, clock }) => {
  const keys = instanceTagKeys(config.tagPrefix);
  const scope = request.args.scope ?? 'all';
  const state = request.args.state;
  const filters = [
    { Name: `tag:${keys.managed}`, Values: ['true'] },
    { Name: 'instance-state-name', Values: state ? [state] : NOT_TERMINATED },
    ...(scope === 'mine' ? [{ Name: `tag:${keys.owner}`, Values: [request.user.id] }] : []),
  ];
  const found: InstanceView[] = [];
  for (const region of ec2.regions)
    found.push(...(await describeInstanceViews(ec2.client(region), region, filters)));
  return renderInstanceList(found, {
    scope,
    state,
    nowMs: clock.now().getTime(),
    keys,
    regions: ec2.regions.length,
  });
};
