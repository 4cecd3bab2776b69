import { GetRuleCommand, paginateListRules, type RbinClient } from '@aws-sdk/client-rbin';
import type { RecycleResourceType, RecycleRule } from '@ec2ops/core/jobs';

/**
 * The Recycle Bin's retention rules of one region and resource type. ListRules' summaries carry
 * no resource tags, so each rule is read once more (a region holds at most a few dozen rules).
 */
export async function listRecycleRules(rbin: RbinClient, type: RecycleResourceType): Promise<RecycleRule[]> {
  const ids: string[] = [];
  for await (const page of paginateListRules({ client: rbin }, { ResourceType: type })) {
    for (const rule of page.Rules ?? []) if (rule.Identifier) ids.push(rule.Identifier);
  }
  const rules: RecycleRule[] = [];
  for (const id of ids) {
    const rule = await rbin.send(new GetRuleCommand({ Identifier: id }));
    // A rule pending creation does not retain anything yet.
    if (rule.Status && rule.Status !== 'available') continue;
    const period = rule.RetentionPeriod;
    if (!period?.RetentionPeriodValue) continue;
    rules.push({
      resourceType: type,
      retentionDays: period.RetentionPeriodValue,
      resourceTags: (rule.ResourceTags ?? []).map((t) => ({
        key: t.ResourceTagKey ?? '',
        value: t.ResourceTagValue || undefined,
      })),
    });
  }
  return rules;
}
