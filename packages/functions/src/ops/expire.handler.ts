import pino from 'pino';
import { ec2ClientsByRegion } from '../jobs/ec2-clients';
import { stageConfigFromJson } from '../root';
import { expire } from './expire';

/**
 * Lambda entry point that EventBridge Scheduler invokes at a rule's expiry (infra/ops.ts).
 * EC2OPS_CONFIG gives the tag prefix; AWS_ENDPOINT_URL_EC2 is read by the SDK.
 */
const config = stageConfigFromJson(process.env['EC2OPS_CONFIG'] ?? '');
const deps = {
  tagPrefix: config.tagPrefix,
  ec2: ec2ClientsByRegion(),
  now: () => new Date(),
  log: pino({ level: process.env['LOG_LEVEL'] ?? 'info', base: { fn: 'expire', stage: config.stage } }),
};

export const handler = (event: unknown) => expire(deps, event);
