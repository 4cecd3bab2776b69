import type { IamNeed } from '../../capability';
import { defineArg } from '../define';

/** The instance an instance command acts on: its id, or its exact Name tag. */
export const INSTANCE_ARG = defineArg({
  name: 'instance',
  type: 'string',
  required: true,
  maxLength: 255,
  placeholder: 'instance-id|Name',
  description: 'the instance: its id (i-…) or its Name tag',
});

export const DESCRIBE_INSTANCES: IamNeed = {
  actions: ['ec2:DescribeInstances'],
  why: 'Find the instance by id or Name and re-read it before acting',
};
