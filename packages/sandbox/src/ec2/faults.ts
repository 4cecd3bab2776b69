import { InputError } from '@ec2ops/core';
import type { AccountRegistry } from '../accounts/registry';
import { ControlError, type ControlRequest, registerControlRoute } from './control';
import { type Ec2ApiError, internalError, requestLimitExceeded, unavailable } from './errors';
import { type RequestInfo, registerFaultsFactory } from './interceptors';
import type { Params } from './query';
import { type FaultReason, markFault } from './stats';
import type { Ec2Store } from './store';
import { Throttle, type ThrottleRequest } from './throttling';

/**
 * `--faults SPEC`: seeded, reproducible trouble for resilience tests and benchmarks.
 *
 * SPEC is a comma-separated list of `key=value` parts (see FAULT_SPEC_HELP). Every request
 * draws the same number of values from one seeded generator, in arrival order, so the same seed
 * and the same sequence of requests meet the same faults. Faults are decided before the action
 * runs: a faulted request changes nothing.
 */
export interface FaultSpec {
  seed: number;
  /** EC2's documented token buckets. */
  throttle: boolean;
  /** Multiplies every bucket's capacity and refill rate. */
  throttleScale: number;
  /** Fraction of requests refused with RequestLimitExceeded regardless of the buckets. */
  throttleRate: number;
  /** Fraction of requests answered with a server error. */
  errorRate: number;
  /** The HTTP statuses server errors are drawn from (500 InternalError, 503 Unavailable). */
  errorCodes: (500 | 503)[];
  /** Added latency, uniform in [min, max] milliseconds. */
  latencyMs: { min: number; max: number } | undefined;
  /** Only these actions get random faults and latency (all when undefined); buckets apply to all. */
  actions: Set<string> | undefined;
}

export const FAULT_SPEC_HELP = [
  'comma-separated key=value parts:',
  '  seed=N             seed of the fault generator (default 1)',
  '  throttle=on|off    EC2 token-bucket throttling with the documented defaults (default off)',
  '  throttle-scale=F   multiply every bucket size and refill rate by F (default 1)',
  '  throttle-rate=F    refuse a fraction F (0..1) of requests with RequestLimitExceeded (503)',
  '  error-rate=F       answer a fraction F (0..1) of requests with a server error',
  '  error-codes=500:503  statuses those errors use: 500 InternalError, 503 Unavailable (default both)',
  '  latency=20-80ms    add a uniform delay (a single value like 50ms also works; units ms or s)',
  '  actions=A:B        only these actions get the random faults and latency',
  'example: seed=42,throttle=on,error-rate=0.05,error-codes=500:503,latency=20-80ms,throttle-rate=0.2',
].join('\n');

/** A bad SPEC, naming the part at fault; the CLI prints it and exits non-zero. */
export class FaultSpecError extends InputError {
  constructor(
    readonly part: string,
    reason: string,
  ) {
    super('emulator.faults', `invalid --faults part "${part}": ${reason}`, {
      hint: 'the spec is key=value parts separated by commas, e.g. seed=42,throttle=on,error-rate=0.05',
    });
    this.name = 'FaultSpecError';
  }
}

export function defaultFaultSpec(): FaultSpec {
  return {
    seed: 1,
    throttle: false,
    throttleScale: 1,
    throttleRate: 0,
    errorRate: 0,
    errorCodes: [500, 503],
    latencyMs: undefined,
    actions: undefined,
  };
}

function fraction(part: string, raw: string): number {
  if (!/^(?:0|1|0?\.[0-9]+|1\.0*)$/.test(raw))
    throw new FaultSpecError(part, 'expected a fraction between 0 and 1');
  return Number(raw);
}

function duration(part: string, raw: string): number {
  const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s)$/.exec(raw);
  if (!match) throw new FaultSpecError(part, 'expected a duration such as 20ms or 1.5s');
  const value = Number(match[1]);
  return match[2] === 's' ? value * 1000 : value;
}

/** Parses SPEC; throws FaultSpecError naming the first bad part. An empty SPEC means no faults. */
export function parseFaultSpec(text: string): FaultSpec {
  const spec = defaultFaultSpec();
  const seen = new Set<string>();
  for (const rawPart of text.split(',')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 1) throw new FaultSpecError(part, 'expected key=value');
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (seen.has(key)) throw new FaultSpecError(part, `"${key}" is given twice`);
    seen.add(key);
    switch (key) {
      case 'seed':
        if (!/^[0-9]{1,10}$/.test(value) || Number(value) > 0xffffffff) {
          throw new FaultSpecError(part, 'expected an integer between 0 and 4294967295');
        }
        spec.seed = Number(value);
        break;
      case 'throttle':
        if (value !== 'on' && value !== 'off') throw new FaultSpecError(part, 'expected on or off');
        spec.throttle = value === 'on';
        break;
      case 'throttle-scale': {
        const scale = Number(value);
        if (!/^[0-9]+(?:\.[0-9]+)?$/.test(value) || !(scale > 0) || scale > 1000) {
          throw new FaultSpecError(part, 'expected a positive factor such as 0.1 or 2');
        }
        spec.throttleScale = scale;
        break;
      }
      case 'throttle-rate':
        spec.throttleRate = fraction(part, value);
        break;
      case 'error-rate':
        spec.errorRate = fraction(part, value);
        break;
      case 'error-codes': {
        const codes = value.split(':').map((code) => code.trim());
        if (codes.length === 0 || codes.some((code) => code !== '500' && code !== '503')) {
          throw new FaultSpecError(part, 'expected 500, 503 or 500:503');
        }
        spec.errorCodes = [...new Set(codes.map((code) => Number(code) as 500 | 503))];
        break;
      }
      case 'latency': {
        const [low, high, ...rest] = value.split('-');
        if (low === undefined || rest.length > 0)
          throw new FaultSpecError(part, 'expected MIN-MAX such as 20-80ms');
        // `20-80ms`: the unit of the upper bound applies to a bare lower bound.
        const unit = /(ms|s)$/.exec(high ?? low)?.[1] ?? '';
        const min = duration(part, /(ms|s)$/.test(low) ? low : `${low}${unit}`);
        const max = high === undefined ? min : duration(part, high);
        if (max < min) throw new FaultSpecError(part, 'the maximum is below the minimum');
        if (max > 60_000) throw new FaultSpecError(part, 'latency above 60s is not supported');
        spec.latencyMs = { min, max };
        break;
      }
      case 'actions': {
        const actions = value.split(':').map((action) => action.trim());
        if (actions.some((action) => !/^[A-Z][A-Za-z0-9]+$/.test(action))) {
          throw new FaultSpecError(
            part,
            'expected action names separated by ":" (e.g. RunInstances:ReleaseAddress)',
          );
        }
        spec.actions = new Set(actions);
        break;
      }
      default:
        throw new FaultSpecError(
          part,
          `unknown key "${key}" (known: seed, throttle, throttle-scale, throttle-rate, error-rate, error-codes, latency, actions)`,
        );
    }
  }
  return spec;
}

/** mulberry32: small, fast, and good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FaultDecision {
  /** Milliseconds to wait before answering. */
  delayMs: number;
  /** The error to answer with instead of running the action. */
  error?: Ec2ApiError;
  /** Why: `bucket` (token bucket empty), `throttle-rate` or `error-rate`. */
  reason?: FaultReason;
}

/** Decides, per request, whether it is delayed, throttled or failed. */
export class FaultInjector {
  private random: () => number;
  readonly throttle: Throttle | undefined;

  constructor(
    readonly spec: FaultSpec,
    options: { now?: () => number } = {},
  ) {
    this.random = seededRandom(spec.seed);
    this.throttle = spec.throttle ? new Throttle({ scale: spec.throttleScale, now: options.now }) : undefined;
  }

  /** Whether anything at all can happen (the server skips the hook otherwise). */
  get active(): boolean {
    const s = this.spec;
    return s.throttle || s.throttleRate > 0 || s.errorRate > 0 || s.latencyMs !== undefined;
  }

  decide(request: ThrottleRequest): FaultDecision {
    // Always four draws per request, so one request's outcome never shifts the next one's.
    const rThrottle = this.random();
    const rError = this.random();
    const rCode = this.random();
    const rLatency = this.random();
    const s = this.spec;
    const targeted = s.actions === undefined || s.actions.has(request.action);
    const delayMs =
      targeted && s.latencyMs
        ? Math.round(s.latencyMs.min + rLatency * (s.latencyMs.max - s.latencyMs.min))
        : 0;
    if (this.throttle && !this.throttle.admit(request).allowed) {
      return { delayMs, error: requestLimitExceeded(), reason: 'bucket' };
    }
    if (targeted && rThrottle < s.throttleRate)
      return { delayMs, error: requestLimitExceeded(), reason: 'throttle-rate' };
    if (targeted && rError < s.errorRate) {
      const status = s.errorCodes[Math.min(s.errorCodes.length - 1, Math.floor(rCode * s.errorCodes.length))];
      return { delayMs, error: status === 503 ? unavailable() : internalError(), reason: 'error-rate' };
    }
    return { delayMs };
  }

  /** Starts the sequence again from the seed and refills every bucket. */
  reset(): void {
    this.random = seededRandom(this.spec.seed);
    this.throttle?.reset();
  }
}

/** Describes a spec in one line, for the emulator's start-up banner. */
export function describeFaultSpec(spec: FaultSpec): string {
  const parts = [`seed=${spec.seed}`];
  if (spec.throttle) parts.push(`throttle=on${spec.throttleScale !== 1 ? ` (x${spec.throttleScale})` : ''}`);
  if (spec.throttleRate > 0) parts.push(`throttle-rate=${spec.throttleRate}`);
  if (spec.errorRate > 0) parts.push(`error-rate=${spec.errorRate} (${spec.errorCodes.join('/')})`);
  if (spec.latencyMs) parts.push(`latency=${spec.latencyMs.min}-${spec.latencyMs.max}ms`);
  if (spec.actions) parts.push(`actions=${[...spec.actions].join(':')}`);
  return parts.join(', ');
}

/** What the throttle needs from a request: its filters/pagination and how many instances it touches. */
export function throttleRequestOf(
  request: Pick<RequestInfo, 'action' | 'region' | 'params'>,
): ThrottleRequest {
  const { action, region, params } = request;
  return {
    action,
    region,
    filteredOrPaginated: params.has('Filter') || params.has('MaxResults') || params.has('NextToken'),
    resourceCount: resourceCount(action, params),
  };
}

function resourceCount(action: string, params: Params): number {
  if (action === 'RunInstances') {
    const max = Number(params.string('MaxCount') ?? params.string('MinCount') ?? '1');
    return Number.isInteger(max) && max > 0 ? max : 1;
  }
  if (action === 'StartInstances' || action === 'StopInstances' || action === 'TerminateInstances') {
    return params.child('InstanceId')?.keys().length ?? 0;
  }
  return 0;
}

/**
 * The fault injector of each account's store, replaceable at run time: each account has its own
 * token buckets, as EC2 throttles per account and region.
 */
const injectors = new WeakMap<Ec2Store, FaultInjector>();
/** The spec accounts of an emulator start with, once `/_emulator/faults` replaced `--faults`. */
const defaultSpecs = new WeakMap<AccountRegistry, FaultSpec>();

export function faultsOf(store: Ec2Store): FaultInjector | undefined {
  return injectors.get(store);
}

export function setFaults(store: Ec2Store, spec: FaultSpec): FaultInjector {
  const injector = new FaultInjector(spec);
  injectors.set(store, injector);
  return injector;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// `--faults SPEC` (and the control endpoint below): parsed once at start, so a bad spec stops
// the emulator before it listens.
registerFaultsFactory((text) => {
  const initial = parseFaultSpec(text);
  return async (request) => {
    let injector = injectors.get(request.store);
    if (!injector) {
      const spec = (request.accounts && defaultSpecs.get(request.accounts)) ?? initial;
      injector = setFaults(request.store, spec);
    }
    if (!injector.active) return;
    const decision = injector.decide(throttleRequestOf(request));
    if (decision.delayMs > 0) await sleep(decision.delayMs);
    if (decision.error) {
      markFault(decision.error, decision.reason ?? 'error-rate');
      throw decision.error;
    }
  };
});

/*
 * Control endpoints (JSON):
 *   GET    /_emulator/faults              the active spec
 *   POST   /_emulator/faults              {"spec": "seed=7,throttle-rate=0.2"}: replace it (and restart the sequence)
 *   (`?account=<id|alias>`: that account only; without it, every account and those added later)
 *   DELETE /_emulator/faults              no faults from now on
 */
const faultsView = (injector: FaultInjector | undefined) => {
  const spec = injector?.spec ?? defaultFaultSpec();
  return {
    active: injector?.active ?? false,
    summary: describeFaultSpec(spec),
    spec: { ...spec, actions: spec.actions ? [...spec.actions] : null, latencyMs: spec.latencyMs ?? null },
  };
};

registerControlRoute('GET', '/_emulator/faults', ({ store }) => faultsView(injectors.get(store)));

/** Without `?account=`: every account, and those added later; with it, that account only. */
function replaceFaults(request: ControlRequest, spec: FaultSpec): FaultInjector {
  if (!request.accountNamed) {
    defaultSpecs.set(request.accounts, spec);
    for (const account of request.accounts.memberAccounts()) setFaults(account.store, spec);
  }
  return setFaults(request.store, spec);
}

registerControlRoute('POST', '/_emulator/faults', (request) => {
  const text = (request.body as { spec?: unknown } | null)?.spec;
  if (typeof text !== 'string') throw new ControlError(400, 'give {"spec": "seed=1,throttle=on,…"}');
  let spec: FaultSpec;
  try {
    spec = parseFaultSpec(text);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new ControlError(400, error.message);
    throw error;
  }
  return faultsView(replaceFaults(request, spec));
});

registerControlRoute('DELETE', '/_emulator/faults', (request) =>
  faultsView(replaceFaults(request, defaultFaultSpec())),
);
