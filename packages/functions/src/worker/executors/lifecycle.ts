import { ForbiddenError, InputError } from '@ec2ops/core';
import {
  checkInstanceAccess,
  type InstanceView,
  instanceLabel,
  instanceTagKeys,
  isManaged,
  type LifecycleAction,
  lifecycleStep,
  timeLeft,
} from '@ec2ops/core/instances';
import { actionId, actions, button, confirmDialog, context, type Message, section } from '@ec2ops/core/slack';
import { parseInstant } from '@ec2ops/core/time';
import { holdLaunch } from '../../coordination/launch-limit';
import { awsErrorCode } from '../../ec2/errors';
import { changeInstanceState } from '../../ec2/instance-batches';
import { type FoundInstance, findInstance } from '../../ec2/instances';
import type { CommandExecutor, ExecutorContext } from '../context';

/**
 * `/ec2 stop|start|terminate <instance-id|Name>`: find, check who may, then act. Each is safe to
 * run twice: an instance already in the wanted state is reported, not acted on again.
 */
async function target(
  ctx: ExecutorContext<{ instance: string }>,
  action: LifecycleAction,
): Promise<FoundInstance> {
  const found = await findInstance(ctx.ec2, ctx.request.args.instance);
  checkInstanceAccess(found.instance, ctx.request.user, action, instanceTagKeys(ctx.config.tagPrefix));
  return found;
}

const say = (text: string, ...extra: ReturnType<typeof context>): Message => ({
  text,
  blocks: [...section(text), ...extra],
});

/** Unmanaged instances are outside ec2ops's IAM grant: say so rather than "failed". */
function explainRefusal(error: unknown, label: string, action: string): unknown {
  if (awsErrorCode(error) === 'UnauthorizedOperation') {
    return new ForbiddenError(
      'instance.iam-denied',
      `AWS refused to ${action} ${label}: ec2ops’s role may not.`,
      {
        hint: 'ec2ops’s IAM policy only allows changing instances tagged managed=true.',
        cause: error,
      },
    );
  }
  if (awsErrorCode(error) === 'IncorrectInstanceState') {
    return new InputError(
      'instance.state',
      `${label} cannot be ${action === 'stop' ? 'stopped' : `${action}ed`} in its current state.`,
      {
        hint: '`/ec2 list` shows its state; try again once it is running or stopped.',
        cause: error,
      },
    );
  }
  if (awsErrorCode(error) === 'OperationNotPermitted') {
    return new ForbiddenError(
      'instance.protected',
      `${label} has termination protection on: not terminated.`,
      {
        hint: 'If it really should go, someone with EC2 access turns termination protection off first; otherwise stop it.',
        cause: error,
      },
    );
  }
  return error;
}

export const stop: CommandExecutor<'stop'> = async (ctx) => {
  const { client, instance } = await target(ctx, 'stop');
  const label = instanceLabel(instance);
  const step = lifecycleStep('stop', instance.state);
  if (step === 'done') return say(`${label} is already ${instance.state}.`);
  if (step === 'refused') {
    throw new InputError('instance.state', `${label} is ${instance.state}; there is nothing to stop.`);
  }
  try {
    await changeInstanceState(client, 'stop', [instance.id]);
  } catch (error) {
    throw explainRefusal(error, label, 'stop');
  }
  return say(`Stopping ${label}.`, ...context('`/ec2 start` brings it back; its volumes are kept.'));
};

export const start: CommandExecutor<'start'> = async (ctx) => {
  const { client, instance } = await target(ctx, 'start');
  const keys = instanceTagKeys(ctx.config.tagPrefix);
  const label = instanceLabel(instance);
  const step = lifecycleStep('start', instance.state);
  if (step === 'done') return say(`${label} is already ${instance.state}.`);
  if (step === 'refused') {
    throw new InputError(
      'instance.state',
      `${label} is ${instance.state}; only a stopped instance can be started.`,
      {
        hint: instance.state === 'stopping' ? 'Try again once it is stopped.' : undefined,
      },
    );
  }
  const owner = instance.tags[keys.owner];
  // Admins are not limited; an operator starts only their own (target() checked), so the limit
  // is the requester's, reserved atomically like a launch's.
  const held =
    isManaged(instance.tags, keys) && owner && ctx.request.user.role !== 'admin'
      ? await holdLaunch(ctx, 1, keys, { starting: true })
      : undefined;
  try {
    await changeInstanceState(client, 'start', [instance.id]);
  } catch (error) {
    await held?.failed();
    throw explainRefusal(error, label, 'start');
  }
  await held?.launched([instance.id]);
  const expiry = parseInstant(instance.tags[keys.expiresAt]);
  const expired =
    isManaged(instance.tags, keys) && expiry !== undefined && expiry <= ctx.clock.now().getTime();
  if (!expired) return say(`Starting ${label}.`);
  const text = `Starting ${label}. Its TTL has passed (${timeLeft(instance.tags[keys.expiresAt], ctx.clock.now().getTime())}): the reaper stops it again at its next run unless you extend it.`;
  return {
    text,
    blocks: [
      ...section(text),
      ...actions([
        button('Extend 2h', actionId('run', `extend-${instance.id}`), { value: `extend ${instance.id} 2h` }),
      ]),
    ],
  };
};

export const terminate: CommandExecutor<'terminate'> = async (ctx) => {
  const { client, instance } = await target(ctx, 'terminate');
  const label = instanceLabel(instance);
  if (lifecycleStep('terminate', instance.state) === 'done') {
    return say(`${label} is already ${instance.state}.`);
  }
  if (ctx.request.args.confirm !== true) return confirmation(instance, label);
  try {
    await changeInstanceState(client, 'terminate', [instance.id]);
  } catch (error) {
    throw explainRefusal(error, label, 'terminate');
  }
  return { ...say(`Terminating ${label}. Its root volume is deleted with it.`), replace_original: true };
};

/** Nothing is terminated until someone clicks the button (and confirms the dialog). */
function confirmation(instance: InstanceView, label: string): Message {
  const text = `Terminate ${label} (${instance.state}, ${instance.type ?? '?'})? This cannot be undone.`;
  return {
    text,
    blocks: [
      ...section(`:warning: ${text}`),
      ...actions([
        button('Terminate', actionId('run', `terminate-${instance.id}`), {
          value: `terminate ${instance.id} confirm=yes`,
          style: 'danger',
          confirm: confirmDialog(
            'Terminate?',
            `Terminate ${label}? Its root volume is deleted.`,
            'Terminate',
            'Cancel',
            true,
          ),
        }),
      ]),
      ...context('Nothing happens unless you click Terminate.'),
    ],
  };
}
