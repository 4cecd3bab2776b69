import type { AccountRegistry } from '../accounts/registry';
import type { AssumedSession, SessionPolicy } from '../accounts/sessions';
import type { Params } from './query';
import type { Ec2Store } from './store';

/**
 * Hooks that run before each EC2 action (after the request is parsed, before the handler): they
 * may delay the request or throw an Ec2ApiError (throttling, injected 500/503s). `--faults SPEC`
 * is turned into one by the factory a faults module registers here.
 */
export interface RequestInfo {
  action: string;
  region: string;
  requestId: string;
  store: Ec2Store;
  /** The parsed request (throttling looks at filters, pagination and instance counts). */
  params: Params;
  /** Who signed the request (SigV4 credential scope); the IAM hook maps it to a policy. */
  accessKeyId?: string | undefined;
  /** Set when STS issued the credentials: the session, and the assumed role's policy now. */
  session?: (AssumedSession & { policy: SessionPolicy }) | undefined;
  /** Every account the emulator serves (`store` is the one this request acts in). */
  accounts?: AccountRegistry | undefined;
}

export type Interceptor = (request: RequestInfo) => void | Promise<void>;

export type FaultsFactory = (spec: string) => Interceptor;

let faultsFactory: FaultsFactory | undefined;

export function registerFaultsFactory(factory: FaultsFactory): void {
  faultsFactory = factory;
}

export function createFaultsInterceptor(spec: string): Interceptor {
  if (!faultsFactory) throw new Error('--faults is not supported by this build of the emulator');
  return faultsFactory(spec);
}
