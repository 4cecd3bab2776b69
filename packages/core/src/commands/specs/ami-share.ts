import { defineCommand } from '../define';
import type { ArgSpec } from '../types';
import { imageArg } from './ami-approve';

/**
 * Who an image is shared with: an account id, or an AWS Organizations OU or organisation by ARN
 * (EC2's launch permissions name them by ARN, and an `ou-…` id alone does not say which
 * organisation it is in).
 */
export const SHARE_TARGET =
  /^(\d{12}|arn:aws[a-z-]*:organizations::\d{12}:(ou\/o-[a-z0-9]{10,32}\/ou-[a-z0-9]{4,32}-[a-z0-9]{8,32}|organization\/o-[a-z0-9]{10,32}))$/;

const targetArg = {
  name: 'target',
  keyword: 'with',
  type: 'string',
  required: true,
  pattern: SHARE_TARGET,
  patternHelp:
    'a 12-digit account id, an OU ARN (arn:aws:organizations::<account>:ou/o-…/ou-…) or an organization ARN (arn:aws:organizations::<account>:organization/o-…)',
  placeholder: 'account|ou-arn|org-arn',
  description: 'who may launch it',
} as const satisfies ArgSpec;

/** Which kind of launch permission a share target is. */
export function shareTargetKind(target: string): 'account' | 'ou' | 'organization' {
  if (/^\d{12}$/.test(target)) return 'account';
  return target.includes(':ou/') ? 'ou' : 'organization';
}

export const amiShare = defineCommand({
  name: 'ami share',
  summary: 'Share an image with an account, OU or organisation: they may launch it',
  args: [imageArg('the image to share'), targetArg],
  examples: ['ami share ami-0123456789abcdef0 with 123456789012'],
  role: 'admin',
  mutates: true,
  needsApproval: (_request, config) =>
    config.bake.shareApproval ? 'sharing an image with another account needs a second admin' : undefined,
  iam: [
    {
      actions: ['ec2:DescribeImages', 'ec2:DescribeImageAttribute'],
      why: 'Read an image and its sharing',
    },
    {
      actions: ['ec2:ModifyImageAttribute', 'ec2:ModifySnapshotAttribute'],
      resources: ['arn:aws:ec2:*::image/*', 'arn:aws:ec2:*::snapshot/*'],
      condition: { StringEquals: { 'aws:ResourceTag/{tagPrefix}managed': 'true' } },
      why: 'Share managed images and their snapshots',
    },
  ],
});

export const amiUnshare = defineCommand({
  name: 'ami unshare',
  summary: 'Stop sharing an image with an account, OU or organisation',
  args: [imageArg('the image to stop sharing'), { ...targetArg, description: 'who may no longer launch it' }],
  examples: ['ami unshare ami-0123456789abcdef0 with 123456789012'],
  role: 'admin',
  mutates: true,
  iam: amiShare.iam,
});
