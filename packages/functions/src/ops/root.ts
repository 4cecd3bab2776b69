import { ec2ClientsByRegion } from '../ec2/client';
import { reaperPolicy } from '../jobs/instance-reaper';
import { createJobRoot, linkedNotifier } from '../jobs/root';
import { createLogger, type Root, stageConfigFromJson } from '../root';
import { alarmsHandler } from './alarms';
import { type ExpireDeps, expire } from './expire';

export type { ExpiryScheduleSettings } from './expiry-schedules';

/**
 * The expiry function's assembly over the root: EC2OPS_CONFIG gives the tag prefix; the EC2
 * endpoint, credentials and clock come from the root; the linked SlackBotToken tells owners.
 */
export function expireRoot(root: Root): ExpireDeps {
  const config = stageConfigFromJson(root.env['EC2OPS_CONFIG'] ?? '');
  return {
    tagPrefix: config.tagPrefix,
    ec2: ec2ClientsByRegion({ endpoint: root.endpoints.ec2, credentials: root.credentials }),
    now: () => root.clock.now(),
    log: createLogger(root.env, { fn: 'expire', stage: config.stage }),
    notifier: linkedNotifier(root),
    reaper: reaperPolicy(config),
  };
}

/** The expiry function's handler (the target of every expiry schedule). */
export function expireHandler(root: Root) {
  const deps = expireRoot(root);
  return (event: unknown) => expire(deps, event);
}

/** The alarm topic's subscriber: a job root's notifier posts into the stage's report channel. */
export function alarmsRoot(root: Root) {
  return alarmsHandler(createJobRoot(root));
}
