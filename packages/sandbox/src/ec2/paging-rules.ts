/**
 * How each paginated action treats MaxResults and NextToken, as EC2 documents it per action.
 * The actions are those the API model's paginators-1.json lists with `limit_key: MaxResults`
 * (test/ec2/paging.test.ts checks this table against it, and the ranges against the model's
 * constrained shapes where it has them).
 *
 * - `above: 'cap'`: a value above `max` returns at most `max` items (DescribeVolumes,
 *   DescribeSnapshots: "if MaxResults is given a value larger than …, only … are returned").
 *   The AWS CLI sends MaxResults=1000 to DescribeVolumes, so this one matters.
 * - `above: 'error'`: InvalidParameterValue, as for a value below `min` (every action).
 * - `idsParam`: the id list that cannot be combined with MaxResults (InvalidParameterCombination),
 *   named as EC2's message names it.
 * - `vpcStyleToken`: an empty or unreadable NextToken is InvalidParameterValue (DescribeVpcs
 *   refuses even `NextToken=`); elsewhere an unreadable one is InvalidNextToken and an empty one
 *   reads as "first page".
 */
export interface PagingRule {
  min: number;
  max: number;
  above: 'cap' | 'error';
  idsParam?: { query: string; wire: string };
  vpcStyleToken?: boolean;
}

const range = (min: number, max: number, above: PagingRule['above'] = 'error') => ({ min, max, above });
const instanceIds = { query: 'InstanceId', wire: 'instancesSet' };

export const PAGING_RULES: Readonly<Record<string, PagingRule>> = {
  DescribeAddressesAttribute: range(1, 1000),
  DescribeInstanceStatus: { ...range(5, 1000), idsParam: instanceIds },
  DescribeInstanceTypes: range(5, 100),
  DescribeInstances: { ...range(5, 1000), idsParam: instanceIds },
  DescribeInternetGateways: range(5, 1000),
  DescribeLaunchTemplateVersions: range(1, 200),
  DescribeLaunchTemplates: range(1, 200),
  DescribeSecurityGroupRules: range(5, 1000),
  DescribeSecurityGroups: range(5, 1000),
  DescribeSnapshots: { ...range(5, 1000, 'cap'), idsParam: { query: 'SnapshotId', wire: 'snapshotSet' } },
  DescribeSubnets: range(5, 1000),
  DescribeTags: range(5, 1000),
  DescribeVolumes: { ...range(5, 500, 'cap'), idsParam: { query: 'VolumeId', wire: 'volumeSet' } },
  DescribeVpcs: { ...range(5, 1000), vpcStyleToken: true },
  ListImagesInRecycleBin: range(1, 1000),
  ListSnapshotsInRecycleBin: range(5, 1000),
};

/**
 * Paging the emulator serves beyond what this model version lists: newer EC2 pages
 * DescribeImages too (the model in python3-botocore predates it).
 */
export const EXTRA_PAGING_RULES: Readonly<Record<string, PagingRule>> = {
  DescribeImages: range(1, 1000),
};

export function pagingRule(action: string): PagingRule {
  const rule = PAGING_RULES[action] ?? EXTRA_PAGING_RULES[action];
  if (!rule) throw new Error(`no paging rule for ${action}: add it to PAGING_RULES`);
  return rule;
}
