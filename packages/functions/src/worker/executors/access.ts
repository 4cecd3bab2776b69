import { accessTagKeys, type ListedRule, renderAccessList } from '@ec2ops/core/access';
import { describeManagedRules } from '../../ec2/security-group-rules';
import { securityGroupNames } from '../../ec2/security-groups';
import type { CommandExecutor } from '../context';
import { pageButton } from '../page-button';

/**
 * `/ec2 access [mine|all]`: open temporary rules of every account and region the person may see,
 * found by tag, with Extend and Close now buttons that act in the rule's account and region.
 */
export const access: CommandExecutor<'access'> = async ({ request, spec, config, span, clock }) => {
  const keys = accessTagKeys(config.tagPrefix);
  const scope = request.args.scope ?? 'mine';
  const extra = scope === 'mine' ? [{ Name: `tag:${keys.owner}`, Values: [request.user.id] }] : [];
  const found = await span<ListedRule>(async (place) => {
    const client = place.client();
    const rules = (await describeManagedRules(client, keys, extra)).filter((r) => !r.isEgress);
    if (rules.length === 0) return [];
    const names = await securityGroupNames(
      client,
      rules.map((r) => r.groupId),
    );
    return rules.map((rule) => ({
      account: place.alias,
      region: place.region,
      rule,
      groupName: names.get(rule.groupId),
    }));
  });
  return renderAccessList(found.rows, {
    scope,
    userId: request.user.id,
    nowMs: clock.now().getTime(),
    keys,
    extendBy: config.access.defaultDuration,
    paging: { page: request.page, unread: found.unread, button: pageButton(request, spec) },
  });
};
