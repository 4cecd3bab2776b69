/**
 * Who an image is shared with: an account id, or an AWS Organizations OU or organisation by ARN
 * (EC2's launch permissions name them by ARN). `org` and a bare `ou-…` id name the account's own
 * organisation; ec2ops expands them to ARNs with DescribeOrganization. Read by `/ec2 ami share`
 * and by `bake.shareWith`.
 */
export const SHARE_TARGET =
  /^(\d{12}|org|ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|arn:aws[a-z-]*:organizations::\d{12}:(ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|organization\/o-[a-z0-9]{10,32}))$/;

export const SHARE_TARGET_HELP =
  'a 12-digit account id, `org` (this organization), an OU id (ou-…) or ARN (arn:aws:organizations::<account>:ou/o-…/ou-…), or an organization ARN';

/** `org` and a bare `ou-…` id: shorthands that name the caller's own organisation. */
export function isShareShorthand(target: string): boolean {
  return target === 'org' || target.startsWith('ou-');
}

/** What DescribeOrganization says about the organisation the account is in. */
export interface OrganizationFacts {
  id: string;
  arn: string;
  managementAccountId: string;
}

/**
 * The ARN EC2's launch permissions need for a shorthand (`org` → the organisation's ARN, `ou-…`
 * → `arn:aws:organizations::<management account>:ou/<org id>/<ou id>`); anything else unchanged.
 */
export function expandShareTarget(target: string, org: OrganizationFacts): string {
  if (target === 'org') return org.arn;
  if (target.startsWith('ou-')) {
    const partition = org.arn.split(':')[1] ?? 'aws';
    return `arn:${partition}:organizations::${org.managementAccountId}:ou/${org.id}/${target}`;
  }
  return target;
}

/** Which kind of launch permission a share target is. */
export function shareTargetKind(target: string): 'account' | 'ou' | 'organization' {
  if (/^\d{12}$/.test(target)) return 'account';
  return target.includes(':ou/') ? 'ou' : 'organization';
}
