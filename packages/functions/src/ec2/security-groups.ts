import { DescribeSecurityGroupsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { chunk } from './batches';
import { awsErrorCode } from './errors';
import { tagsOf } from './tags';

/** A security group as the access commands read it. */
export interface SecurityGroupView {
  groupId: string;
  groupName: string | undefined;
  vpcId: string | undefined;
  tags: Record<string, string>;
}

/** EC2 takes at most 200 values in one filter or id list of DescribeSecurityGroups. */
const GROUP_IDS_PER_CALL = 200;

/** Groups by id; ids EC2 does not know read as no groups (InvalidGroup.NotFound), not as a failure. */
export async function describeSecurityGroups(
  client: EC2Client,
  ids: readonly string[],
): Promise<SecurityGroupView[]> {
  if (ids.length === 0) return [];
  try {
    const out = await client.send(new DescribeSecurityGroupsCommand({ GroupIds: [...ids] }));
    return (out.SecurityGroups ?? []).flatMap((g) =>
      g.GroupId ? [{ groupId: g.GroupId, groupName: g.GroupName, vpcId: g.VpcId, tags: tagsOf(g.Tags) }] : [],
    );
  } catch (error) {
    if (awsErrorCode(error) === 'InvalidGroup.NotFound') return [];
    throw error;
  }
}

/**
 * Group names by id, to label a list. Names are only labels: a batch that cannot be described
 * leaves its groups shown by id rather than failing the list.
 */
export async function securityGroupNames(
  client: EC2Client,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const batch of chunk([...new Set(ids)], GROUP_IDS_PER_CALL)) {
    const groups = await describeSecurityGroups(client, batch).catch(() => []);
    for (const g of groups) if (g.groupName) names.set(g.groupId, g.groupName);
  }
  return names;
}
