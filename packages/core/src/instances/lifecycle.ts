/**
 * The instance states each lifecycle command acts from, kept as data (as Cloud Custodian's actions
 * carry their valid states) so the spec, help and the worker read one table instead of each
 * spelling out `if (state === …)`. `done` states mean the command already happened: the worker
 * reports that instead of acting again, which is also what makes a redelivered command harmless.
 */
export interface LifecycleStates {
  from: readonly string[];
  done: readonly string[];
}

export const LIFECYCLE_STATES = {
  stop: { from: ['pending', 'running'], done: ['stopping', 'stopped'] },
  start: { from: ['stopped'], done: ['pending', 'running'] },
  terminate: { from: ['pending', 'running', 'stopping', 'stopped'], done: ['shutting-down', 'terminated'] },
} as const satisfies Record<string, LifecycleStates>;

export type LifecycleCommand = keyof typeof LIFECYCLE_STATES;

/** What a lifecycle command does to an instance in `state`: act, report it done, or refuse. */
export function lifecycleStep(action: LifecycleCommand, state: string): 'act' | 'done' | 'refused' {
  const states: LifecycleStates = LIFECYCLE_STATES[action];
  if (states.done.includes(state)) return 'done';
  return states.from.includes(state) ? 'act' : 'refused';
}
