import { Ec2ApiError } from '../errors';
import { ID_KINDS, resolveIds } from '../ids';
import { randomPublicIp, releasePrivateIp } from '../ip';
import { type InstanceRecord, type InstanceStateName, instances, subnets, volumes } from '../model';
import type { ActionContext } from '../registry';
import { writeAction } from '../registry';
import { type Ec2Store, type RegionState, registerTicker } from '../store';
import type { XmlObject } from '../xml';
import { instanceStateWire } from './instance-wire';

/**
 * Start/Stop/TerminateInstances and the transitions that follow over emulator time:
 * pending → running, stopping → stopped, shutting-down → terminated, and terminated instances
 * vanishing after `terminatedRetention`. Other areas can react to transitions (an Elastic IP is
 * disassociated when its instance terminates) with `onInstanceTransition`.
 */
export type InstanceTransitionHook = (
  state: RegionState,
  instance: InstanceRecord,
  to: InstanceStateName,
  store: Ec2Store,
) => void;
const hooks: InstanceTransitionHook[] = [];

export function onInstanceTransition(hook: InstanceTransitionHook): void {
  hooks.push(hook);
}

const USER_SHUTDOWN = {
  code: 'Client.UserInitiatedShutdown',
  message: 'Client.UserInitiatedShutdown: User initiated shutdown',
};

function gmt(now: number): string {
  return `${new Date(now).toISOString().slice(0, 19).replace('T', ' ')} GMT`;
}

function moveTo(
  ctxState: RegionState,
  store: Ec2Store,
  instance: InstanceRecord,
  to: InstanceStateName,
  at: number,
): void {
  instance.state = to;
  instance.stateSince = at;
  for (const hook of hooks) hook(ctxState, instance, to, store);
}

function changeStates(
  ctx: ActionContext,
  check: (instance: InstanceRecord) => void,
  apply: (instance: InstanceRecord) => void,
): XmlObject[] {
  const ids = ctx.params.strings('InstanceId');
  if (ids.length === 0)
    throw new Ec2ApiError('MissingParameter', 'The request must contain the parameter InstanceId');
  const all = instances.in(ctx.state);
  const list = resolveIds(ID_KINDS.instance, [...new Set(ids)], (id) => all.get(id));
  for (const instance of list) check(instance);
  ctx.gate();
  return list.map((instance) => {
    const previous = instance.state;
    apply(instance);
    return {
      instanceId: instance.id,
      currentState: instanceStateWire(instance.state),
      previousState: instanceStateWire(previous),
    };
  });
}

writeAction('StartInstances', (ctx) => {
  const { store, state, now } = ctx;
  const changes = changeStates(
    ctx,
    (instance) => {
      if (
        instance.state === 'stopping' ||
        instance.state === 'shutting-down' ||
        instance.state === 'terminated'
      ) {
        throw new Ec2ApiError(
          'IncorrectInstanceState',
          `The instance '${instance.id}' is not in a state from which it can be started.`,
        );
      }
    },
    (instance) => {
      if (instance.state !== 'stopped') return;
      instance.stateReason = undefined;
      instance.stateTransitionReason = '';
      const subnet = subnets.in(state).get(instance.subnetId);
      if (!instance.elasticIp && subnet?.mapPublicIpOnLaunch && instance.hadPublicIp)
        instance.publicIpAddress = randomPublicIp();
      moveTo(state, store, instance, 'pending', now);
      state.wake(now + store.delays.instancePending);
    },
  );
  return { instancesSet: changes };
});

writeAction('StopInstances', (ctx) => {
  const { store, state, now } = ctx;
  ctx.params.boolean('Force');
  ctx.params.boolean('Hibernate');
  const changes = changeStates(
    ctx,
    (instance) => {
      if (instance.state === 'shutting-down' || instance.state === 'terminated') {
        throw new Ec2ApiError(
          'IncorrectInstanceState',
          `The instance '${instance.id}' is not in a state from which it can be stopped.`,
        );
      }
    },
    (instance) => {
      if (instance.state !== 'running' && instance.state !== 'pending') return;
      instance.stateReason = { code: 'Client.UserInitiatedShutdown', message: USER_SHUTDOWN.message };
      instance.stateTransitionReason = `User initiated (${gmt(now)})`;
      moveTo(state, store, instance, 'stopping', now);
      state.wake(now + store.delays.instanceStopping);
    },
  );
  return { instancesSet: changes };
});

writeAction('TerminateInstances', (ctx) => {
  const { store, state, now } = ctx;
  const changes = changeStates(
    ctx,
    (instance) => {
      if (instance.disableApiTermination && instance.state !== 'terminated') {
        throw new Ec2ApiError(
          'OperationNotPermitted',
          `The instance '${instance.id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again.`,
        );
      }
    },
    (instance) => {
      if (instance.state === 'terminated' || instance.state === 'shutting-down') return;
      instance.stateReason = { ...USER_SHUTDOWN };
      instance.stateTransitionReason = `User initiated (${gmt(now)})`;
      moveTo(state, store, instance, 'shutting-down', now);
      state.wake(now + store.delays.instanceShuttingDown);
    },
  );
  return { instancesSet: changes };
});

function finishTermination(state: RegionState, instance: InstanceRecord): void {
  const subnet = subnets.in(state).get(instance.subnetId);
  if (subnet) releasePrivateIp(subnet, instance.privateIpAddress);
  instance.publicIpAddress = undefined;
  for (const device of instance.blockDevices) {
    const volume = volumes.in(state).get(device.volumeId);
    if (!volume) continue;
    if (device.deleteOnTermination) volumes.in(state).delete(volume.id);
    else {
      volume.attachment = undefined;
      volume.state = 'available';
    }
  }
}

registerTicker((state, now, store) => {
  let next: number | undefined;
  const due = (at: number) => {
    if (next === undefined || at < next) next = at;
  };
  const all = instances.in(state);
  for (const instance of all.values()) {
    let delay: number | undefined;
    let to: InstanceStateName | undefined;
    if (instance.state === 'pending') [delay, to] = [store.delays.instancePending, 'running'];
    else if (instance.state === 'stopping') [delay, to] = [store.delays.instanceStopping, 'stopped'];
    else if (instance.state === 'shutting-down')
      [delay, to] = [store.delays.instanceShuttingDown, 'terminated'];
    if (delay !== undefined && to !== undefined && !instance.held) {
      const at = instance.stateSince + delay;
      if (at > now) {
        due(at);
        continue;
      }
      if (to === 'running') instance.stateReason = undefined;
      if (to === 'stopped') {
        instance.stateReason = { ...USER_SHUTDOWN };
        if (!instance.elasticIp) instance.publicIpAddress = undefined;
      }
      if (to === 'terminated') {
        finishTermination(state, instance);
        instance.terminatedAt = at;
      }
      moveTo(state, store, instance, to, at);
    }
    if (instance.state === 'terminated') {
      const goneAt = (instance.terminatedAt ?? instance.stateSince) + store.delays.terminatedRetention;
      if (goneAt <= now) all.delete(instance.id);
      else due(goneAt);
    }
  }
  return next;
});
