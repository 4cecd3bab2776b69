import {
  instanceTagKeys,
  type ListedInstance,
  NOT_TERMINATED,
  renderInstanceList,
} from '@ec2ops/core/instances';
import { describeInstanceViews } from '../../ec2/instances';
import type { CommandExecutor } from '../context';
import { pageButton } from '../page-button';

/**
 * `/ec2 list [mine|all] [state=…]`: managed instances of every account and region the person
 * may see (or those `account=`/`region=` name), filtered by EC2, 25 rows a page.
 */
export const list: CommandExecutor<'list'> = async ({ request, spec, config, span, clock }) => {
  const keys = instanceTagKeys(config.tagPrefix);
  const scope = request.args.scope ?? 'all';
  const state = request.args.state;
  const filters = [
    { Name: `tag:${keys.managed}`, Values: ['true'] },
    { Name: 'instance-state-name', Values: state ? [state] : NOT_TERMINATED },
    ...(scope === 'mine' ? [{ Name: `tag:${keys.owner}`, Values: [request.user.id] }] : []),
  ];
  const found = await span<ListedInstance>(async (place) =>
    (await describeInstanceViews(place.client(), place.region, filters)).map((i) => ({
      ...i,
      account: place.alias,
    })),
  );
  return renderInstanceList(found.rows, {
    scope,
    state,
    nowMs: clock.now().getTime(),
    keys,
    regions: found.places.length,
    paging: { page: request.page, unread: found.unread, button: pageButton(request, spec) },
  });
};
