import { SECURITY_GROUP_RULE_ID } from '../../aws-ids';
import { defineCommand } from '../define';
import { ACCESS_DURATION_ARG, RETAG_MANAGED_RULE } from './open';

/** The Extend button of `/ec2 access` and of the sweep's warning; typed rarely, so hidden. */
export const accessExtend = defineCommand({
  name: 'access extend',
  summary: 'Keep a temporary rule open longer (owner or admin)',
  args: [
    {
      name: 'rule',
      type: 'string',
      required: true,
      pattern: SECURITY_GROUP_RULE_ID,
      patternHelp: 'a rule id such as sgr-0123456789abcdef0',
      placeholder: 'rule-id',
      description: 'the temporary rule',
    },
    { ...ACCESS_DURATION_ARG, description: 'from now (default: the stage default)' },
  ],
  examples: ['access extend sgr-0123456789abcdef0 for 1h'],
  role: 'operator',
  mutates: true,
  hidden: true,
  iam: [
    { actions: ['ec2:DescribeSecurityGroupRules'], why: 'Read the rule and its tags' },
    ...RETAG_MANAGED_RULE,
  ],
});
