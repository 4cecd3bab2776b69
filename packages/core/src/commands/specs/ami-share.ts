import { SHARE_TARGET, SHARE_TARGET_HELP } from '../../config/share-target';
import { defineCommand } from '../define';
import type { ArgSpec } from '../types';
import { imageArg } from './ami-approve';

export {
  expandShareTarget,
  isShareShorthand,
  type OrganizationFacts,
  SHARE_TARGET,
  shareTargetKind,
} from '../../config/share-target';

const targetArg = {
  name: 'target',
  keyword: 'with',
  type: 'string',
  required: true,
  pattern: SHARE_TARGET,
  patternHelp: SHARE_TARGET_HELP,
  placeholder: 'account|ou-…|org',
  description: 'who may launch it',
} as const satisfies ArgSpec;

export const amiShare = defineCommand({
  name: 'ami share',
  summary: 'Share an image with an account, OU or organisation: they may launch it',
  args: [imageArg('the image to share'), targetArg],
  examples: ['ami share ami-0123456789abcdef0 with 123456789012', 'ami share ami-0123456789abcdef0 with org'],
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
      actions: ['organizations:DescribeOrganization'],
      why: 'Expand `org` and a bare ou-… id to the ARNs EC2 launch permissions name',
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
