import { INSTANCE_ID } from '../aws-ids';
import type { Role } from '../config/roles';
import { ForbiddenError, InputError } from '../errors';
import { type InstanceTagKeys, type InstanceView, instanceLabel, isManaged } from './tags';

export type InstanceReference = { kind: 'id'; id: string } | { kind: 'name'; name: string };

/** An id, or a Name tag; `i-…` that is not a valid id is refused rather than looked up as a Name. */
export function instanceReference(text: string): InstanceReference {
  if (INSTANCE_ID.test(text)) return { kind: 'id', id: text };
  if (/^i-/i.test(text)) {
    throw new InputError('instance.malformed-id', `\`${text}\` is not an instance id.`, {
      hint: 'Instance ids look like i-0123456789abcdef0; or give the instance’s Name.',
    });
  }
  return { kind: 'name', name: text };
}

/** An id when `text` is a well-formed one, a Name tag otherwise (a Name may start with `i-`). */
export function looseInstanceReference(text: string): InstanceReference {
  return INSTANCE_ID.test(text) ? { kind: 'id', id: text } : { kind: 'name', name: text };
}

export type LifecycleAction = 'stop' | 'start' | 'terminate' | 'extend' | 'bake';

/**
 * Who may act on an instance: its owner on their own managed instances, admins on any managed
 * one. ec2ops acts only on what it manages, for everyone: its IAM policy denies lifecycle calls
 * on anything without `<prefix>managed=true`, so an admin exception here would only turn a clear
 * refusal into an AccessDenied from EC2 (and one to extend: it has no TTL either; nor to bake:
 * an image copies the whole disk, and an unmanaged server's disk is not ours to copy).
 */
export function checkInstanceAccess(
  instance: InstanceView,
  user: { id: string; role: Role },
  action: LifecycleAction,
  keys: InstanceTagKeys,
): void {
  const label = instanceLabel(instance);
  if (!isManaged(instance.tags, keys)) {
    throw new ForbiddenError(
      'instance.unmanaged',
      action === 'extend'
        ? `${label} is not managed by ec2ops: it has no TTL to extend.`
        : `${label} is not managed by ec2ops (no ${keys.managed}=true); ec2ops may ${action} only instances it manages, whoever asks.`,
      {
        hint:
          action === 'extend'
            ? 'Only instances launched with `/ec2 launch` have a TTL; this one stays until someone stops it.'
            : 'Use the EC2 console or the AWS CLI for instances ec2ops did not launch.',
      },
    );
  }
  const owner = instance.tags[keys.owner];
  if (owner === user.id || user.role === 'admin') return;
  throw new ForbiddenError(
    'instance.not-owner',
    `${label} belongs to ${owner ? `<@${owner}>` : 'nobody'}; you may ${action} only your own instances.`,
    { hint: 'Ask its owner, or an ec2ops admin.' },
  );
}
