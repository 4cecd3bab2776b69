/**
 * Who an image is shared with: an account id, or an AWS Organizations OU or organisation by ARN
 * (EC2's launch permissions name them by ARN, and an `ou-…` id alone does not say which
 * organisation it is in). Read by `/ec2 ami share` and by `bake.shareWith`.
 */
export const SHARE_TARGET =
  /^(\d{12}|arn:aws[a-z-]*:organizations::\d{12}:(ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|organization\/o-[a-z0-9]{10,32}))$/;

export const SHARE_TARGET_HELP =
  'a 12-digit account id, an OU ARN (arn:aws:organizations::<account>:ou/o-…/ou-…) or an organization ARN (arn:aws:organizations::<account>:organization/o-…)';

/** Which kind of launch permission a share target is. */
export function shareTargetKind(target: string): 'account' | 'ou' | 'organization' {
  if (/^\d{12}$/.test(target)) return 'account';
  return target.includes(':ou/') ? 'ou' : 'organization';
}
