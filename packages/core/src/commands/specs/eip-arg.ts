import type { IamNeed } from '../../capability';
import { ADDRESS_REF, ADDRESS_REF_HELP } from '../../eip/policy';
import { defineArg } from '../define';

/** The address an `/ec2 eip …` command acts on: its allocation id or its public IP. */
export const ADDRESS_ARG = defineArg({
  name: 'address',
  type: 'string',
  required: true,
  pattern: ADDRESS_REF,
  patternHelp: ADDRESS_REF_HELP,
  placeholder: 'allocation-id|ip',
  description: 'the Elastic IP: its allocation id (eipalloc-…) or its public IP',
});

export const DESCRIBE_ADDRESSES: IamNeed = {
  actions: ['ec2:DescribeAddresses'],
  why: 'Find the Elastic IP by allocation id or IP, and re-read it right before acting',
};

/** Elastic IPs as IAM names them. */
export const ELASTIC_IP_ARN = 'arn:aws:ec2:*:*:elastic-ip/*';

/**
 * One grant for `eip release` and for `eip attach` giving back an address it could not use, so
 * they share one statement (the guard adds: never an address tagged keep).
 */
export const RELEASE_ADDRESS: IamNeed = {
  actions: ['ec2:ReleaseAddress'],
  resources: [ELASTIC_IP_ARN],
  why: 'Release an address',
};
