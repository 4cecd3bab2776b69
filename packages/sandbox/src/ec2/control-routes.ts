import { ControlError, listControlRoutes, registerControlRoute } from './control';
import { images, instances } from './model';
import { listActions } from './registry';
import type { Delays } from './store';

/**
 * The core control endpoints (JSON). Region: `?region=` (default us-east-1); account:
 * `?account=<id|alias>` (default the hub; `state` and `reset` then cover every account).
 *   GET  /_emulator/health                 actions and control routes
 *   GET  /_emulator/state                  the whole store as JSON (what --state writes)
 *   POST /_emulator/reset                  forget everything (regions re-seed on next use)
 *   GET  /_emulator/clock                  {now, offsetMs}
 *   POST /_emulator/clock/advance          {"seconds": N} or {"ms": N}
 *   POST /_emulator/delays                 {"instancePending": ms, …} transition delays
 *   POST /_emulator/images/:id/state       {"state": "pending"|"available"|"failed", "hold": bool}
 *   POST /_emulator/instances/:id/hold     {"hold": bool} keep an instance in its current state
 *   GET  /_emulator/authorization          {"deny": [actions answered UnauthorizedOperation]}
 *   POST /_emulator/authorization          {"deny": ["TerminateInstances", …]} (replaces the list)
 */
const regionOf = (query: URLSearchParams): string => query.get('region') ?? 'us-east-1';

registerControlRoute('GET', '/_emulator/health', () => ({
  ok: true,
  actions: listActions(),
  control: listControlRoutes(),
}));

// Without `?account=`: every account (what --state writes); with it, that account's state.
registerControlRoute('GET', '/_emulator/state', ({ store, accounts, accountNamed }) =>
  accountNamed ? store.toJSON() : accounts.toJSON(),
);

registerControlRoute('POST', '/_emulator/reset', ({ store, accounts, accountNamed }) => {
  if (accountNamed) store.reset();
  else accounts.reset();
  return { ok: true };
});

registerControlRoute('GET', '/_emulator/clock', ({ store }) => ({
  now: store.clock.date().toISOString(),
  offsetMs: store.clock.offset,
}));

registerControlRoute('POST', '/_emulator/clock/advance', ({ store, accounts, body }) => {
  const { seconds, ms } = (body ?? {}) as { seconds?: unknown; ms?: unknown };
  const amount = typeof ms === 'number' ? ms : typeof seconds === 'number' ? seconds * 1000 : Number.NaN;
  if (!Number.isFinite(amount) || amount < 0)
    throw new ControlError(400, 'give {"seconds": N} or {"ms": N}, N >= 0');
  // One clock for every account.
  store.clock.advance(amount);
  accounts.wakeAll();
  return { now: store.clock.date().toISOString(), offsetMs: store.clock.offset };
});

registerControlRoute('POST', '/_emulator/delays', ({ store, body }) => {
  const changes = (body ?? {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(changes)) {
    if (!(key in store.delays)) throw new ControlError(400, `unknown delay: ${key}`);
    if (typeof value !== 'number' || value < 0)
      throw new ControlError(400, `${key} must be a number of ms >= 0`);
    store.delays[key as keyof Delays] = value;
  }
  return store.delays;
});

const IMAGE_STATES = ['pending', 'available', 'failed'] as const;

registerControlRoute('POST', '/_emulator/images/:id/state', ({ store, params, query, body }) => {
  const { state: wanted, hold } = (body ?? {}) as { state?: unknown; hold?: unknown };
  const state = store.region(regionOf(query));
  const image = images.in(state).get(params.id ?? '');
  if (!image) throw new ControlError(404, `no image ${params.id} in ${state.region}`);
  if (wanted !== undefined) {
    if (!IMAGE_STATES.includes(wanted as (typeof IMAGE_STATES)[number])) {
      throw new ControlError(400, `state must be one of ${IMAGE_STATES.join(', ')}`);
    }
    image.state = wanted as (typeof IMAGE_STATES)[number];
    image.stateSince = store.clock.now();
    image.stateReason =
      wanted === 'failed'
        ? { code: 'Client.InternalError', message: 'Client.InternalError: failed by the emulator' }
        : undefined;
  }
  if (hold !== undefined) image.held = hold === true;
  if (image.state === 'pending' && !image.held) state.wake(store.clock.now() + store.delays.imagePending);
  store.markChanged();
  return { imageId: image.id, state: image.state, held: image.held === true };
});

registerControlRoute('POST', '/_emulator/instances/:id/hold', ({ store, params, query, body }) => {
  const { hold } = (body ?? {}) as { hold?: unknown };
  if (typeof hold !== 'boolean') throw new ControlError(400, 'give {"hold": true} or {"hold": false}');
  const state = store.region(regionOf(query));
  const instance = instances.in(state).get(params.id ?? '');
  if (!instance) throw new ControlError(404, `no instance ${params.id} in ${state.region}`);
  instance.held = hold;
  // Released: the transition restarts from now, as if it had just begun.
  if (!hold) {
    instance.stateSince = store.clock.now();
    state.wake(store.clock.now());
  }
  store.markChanged();
  return { instanceId: instance.id, state: instance.state, held: hold };
});

registerControlRoute('GET', '/_emulator/authorization', ({ store }) => ({
  deny: [...store.deniedActions].sort(),
}));

registerControlRoute('POST', '/_emulator/authorization', ({ store, body }) => {
  const { deny } = (body ?? {}) as { deny?: unknown };
  if (!Array.isArray(deny) || deny.some((a) => typeof a !== 'string' || !/^[A-Za-z0-9]+$/.test(a))) {
    throw new ControlError(400, 'give {"deny": ["ActionName", …]}');
  }
  store.deniedActions.clear();
  for (const action of deny as string[]) store.deniedActions.add(action);
  return { deny: [...store.deniedActions].sort() };
});
