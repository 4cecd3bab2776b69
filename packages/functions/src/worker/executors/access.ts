import { accessTagKeys, type ListedRule, renderAccessList } from '@ec2ops/core/access';
import { describeManagedRules } from '../../ec2/security-group-rules';
import { securityGroupNames } from '../../ec2/security-groups';
import type { CommandExecutor } from '../context';

/** `/ec2 access [mine|all]`: open temporary rules, found by tag, with Extend and Close now. */
export const access: CommandExecutor<'access'> = async ({ request, config, ec2, clock }) => {
  const keys = accessTagKeys(config.tagPrefix);
  const scope = request.args.scope ?? 'mine';
  const extra = scope === 'mine' ? [{ Name: `tag:${keys.owner}`, Values: [request.user.id] }] : [];
  const rows: ListedRule[] = [];
  for (const region of ec2.regions) {
    const client = ec2.client(region);
    const rules = (await describeManagedRules(client, keys, extra)).filter((r) => !r.isEgress);
    if (rules.length === 0) continue;
    const names = await securityGroupNames(
      client,
      rules.map((r) => r.groupId),
    );
    for (const rule of rules) rows.push({ region, rule, groupName: names.get(rule.groupId) });
  }
  return renderAccessList(rows, {
    scope,
    userId: request.user.id,
    nowMs: clock.now().getTime(),
    keys,
    extendBy: config.access.defaultDuration,
  });
};
