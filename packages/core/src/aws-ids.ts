/**
 * The shapes of the AWS names commands and config accept, written once: EC2 resource ids are a
 * prefix, a dash and 8 or 17 lower-case hex digits.
 */
const ec2Id = (prefix: string) => new RegExp(`^${prefix}-([0-9a-f]{8}|[0-9a-f]{17})$`);

export const INSTANCE_ID = ec2Id('i');
export const IMAGE_ID = ec2Id('ami');
export const SUBNET_ID = ec2Id('subnet');
export const SECURITY_GROUP_ID = ec2Id('sg');
export const SECURITY_GROUP_RULE_ID = ec2Id('sgr');
export const ALLOCATION_ID = ec2Id('eipalloc');

/** A region name such as eu-west-1 or us-gov-west-1. */
export const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
