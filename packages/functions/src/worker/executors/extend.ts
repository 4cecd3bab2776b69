import { InputError } from '@ec2ops/core';
import { checkInstanceAccess, instanceLabel, instanceTagKeys } from '@ec2ops/core/instances';
import { section } from '@ec2ops/core/slack';
import { formatDuration, parseDuration, parseInstant, toInstant } from '@ec2ops/core/time';
import { findInstance } from '../../ec2/instances';
import { tagResources } from '../../ec2/tags';
import { scheduleInstanceExpiry } from '../../ops/expiry-hooks';
import type { CommandExecutor } from '../context';

/**
 * `/ec2 extend <instance-id|Name> <duration>`: expires-at moves `duration` past the later of its
 * current value and now, never further than now + the stage's maximum TTL. The request id is
 * written with it, so a redelivered extend does not add the duration twice.
 */
export const extend: CommandExecutor<'extend'> = async (ctx) => {
  const keys = instanceTagKeys(ctx.config.tagPrefix);
  const { client, instance } = await findInstance(ctx.ec2, ctx.request.args.instance);
  checkInstanceAccess(instance, ctx.request.user, 'extend', keys);
  const label = instanceLabel(instance);
  const token = ctx.idempotencyToken('extend');
  if (instance.tags[keys.extendedBy] === token) {
    const text = `${label} was already extended by this request: it expires ${instance.tags[keys.expiresAt]}.`;
    return { text, blocks: section(text) };
  }
  if (instance.state === 'terminated' || instance.state === 'shutting-down') {
    throw new InputError('instance.state', `${label} is ${instance.state}; there is nothing to extend.`);
  }
  const nowMs = ctx.clock.now().getTime();
  const current = parseInstant(instance.tags[keys.expiresAt]);
  const duration = ctx.request.args.duration;
  const next = Math.max(current ?? nowMs, nowMs) + duration;
  const maxMs = parseDuration(ctx.config.launch.maxTtl)!;
  if (next > nowMs + maxMs) {
    const room = nowMs + maxMs - Math.max(current ?? nowMs, nowMs);
    throw new InputError(
      'extend.too-long',
      `That would make ${label} expire ${toInstant(next)}, more than ${ctx.config.launch.maxTtl} from now (this stage’s maximum TTL).`,
      {
        hint:
          room >= 60_000
            ? `Extend by ${formatDuration(room)} at most.`
            : 'It already expires as late as the stage allows.',
      },
    );
  }
  const value = toInstant(next);
  await tagResources(client, [instance.id], { [keys.expiresAt]: value, [keys.extendedBy]: token });
  await scheduleInstanceExpiry(ctx.expiry, ctx.logger, instance, value);
  const text = `Extended ${label}: it now expires ${value} (in ${formatDuration(next - nowMs)}).`;
  return { text, blocks: section(text) };
};
