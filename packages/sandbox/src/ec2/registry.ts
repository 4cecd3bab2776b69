import { type Authorizer, checkAuthorized, DryRunGate } from './dry-run';
import { dryRunOperation, invalidAction } from './errors';
import type { Params } from './query';
import type { Ec2Store, RegionState } from './store';
import type { XmlObject } from './xml';

/**
 * Action name → handler. Each area file under ./actions registers its actions at import time
 * (./actions/index.ts imports them all). A handler validates everything first, calls
 * `ctx.gate()` before its first change (DryRun), then changes state and returns the response
 * members keyed by their wire names (`reservationSet`, `instancesSet`, …).
 */
export interface ActionContext {
  action: string;
  params: Params;
  region: string;
  state: RegionState;
  store: Ec2Store;
  requestId: string;
  /** Emulator time at the start of the request, epoch ms. */
  now: number;
  dryRun: boolean;
  /** After validation, before any change: throws DryRunOperation on a dry run. */
  gate(): void;
}

export type ActionHandler = (ctx: ActionContext) => XmlObject;

export interface ActionDefinition {
  /** True when the action changes state (persistence is told; handlers must call `gate()`). */
  mutates: boolean;
  handler: ActionHandler;
}

const actions = new Map<string, ActionDefinition>();

export function registerAction(name: string, definition: ActionDefinition): void {
  if (actions.has(name)) throw new Error(`EC2 action ${name} is registered twice`);
  actions.set(name, definition);
}

/** Shorthand: `readAction('DescribeVpcs', handler)`. */
export const readAction = (name: string, handler: ActionHandler): void =>
  registerAction(name, { mutates: false, handler });
export const writeAction = (name: string, handler: ActionHandler): void =>
  registerAction(name, { mutates: true, handler });

export function listActions(): string[] {
  return [...actions.keys()].sort();
}

export interface Invocation {
  store: Ec2Store;
  action: string;
  params: Params;
  region: string;
  requestId: string;
  authorize?: Authorizer;
}

export function invoke(invocation: Invocation): XmlObject {
  const { store, action, params, region, requestId } = invocation;
  const definition = actions.get(action);
  if (!definition) throw invalidAction(action);
  checkAuthorized(invocation.authorize, action, region);
  checkAuthorized((name) => !store.deniedActions.has(name), action, region);
  const state = store.region(region);
  store.advance(state);
  const dryRun = params.boolean('DryRun') ?? false;
  const gate = new DryRunGate(dryRun);
  const run = () =>
    definition.handler({
      action,
      params,
      region,
      state,
      store,
      requestId,
      now: store.clock.now(),
      dryRun,
      gate: () => gate.gate(),
    });
  // A change notes the records it touches, for readers that follow the account (the console).
  const body = definition.mutates ? store.track(state, run) : run();
  // Read-only handlers never call gate(): a dry run of one that succeeded is answered here.
  if (dryRun) throw dryRunOperation();
  if (definition.mutates) store.markChanged(true);
  return body;
}
