import { shortInstant } from './rules';

/**
 * What the owner of a temporary rule is told when it closed at its expiry, whichever enforcement
 * closed it (the expiry schedule on time, or the port-sweep as the backstop): one wording, so the
 * owner reads the same thing either way.
 */
export function ruleClosedNotice(label: string, region: string, expiredAtMs: number): string {
  return `Closed ${label} in ${region}: it expired at ${shortInstant(expiredAtMs)}. \`/ec2 open\` opens it again.`;
}
