import { GetRuleCommand, paginateListRules, RbinClient } from '@aws-sdk/client-rbin';
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

/**
 * Recycle Bin clients by region, built on first use. Unset endpoint: the SDK's own lookup
 * (`AWS_ENDPOINT_URL_RBIN`, else AWS's endpoint); the sandbox passes its EC2 emulator's URL.
 */
export function rbinClientsByRegion(options: {
  endpoint?: string | undefined;
  credentials?:
    | { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined }
    | undefined;
}): (region: string) => RbinClient {
  const clients = new Map<string, RbinClient>();
  return (region) => {
    let client = clients.get(region);
    if (!client) {
      client = new RbinClient({
        region,
        ...(options.endpoint ? { endpoint: options.endpoint } : {}),
        ...(options.credentials ? { credentials: options.credentials } : {}),
      });
      clients.set(region, client);
    }
    return client;
  };
}
