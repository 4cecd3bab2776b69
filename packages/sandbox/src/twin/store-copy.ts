import type { Ec2Store } from '../ec2/store';
import type { Twin } from './twin-dir';

/**
 * A twin of an emulator this process already holds (the sandbox's own account): its state is
 * copied whole, so nothing needs reading through the API and nothing can be missed.
 */
export function twinOfStore(store: Ec2Store, regions: string[]): Twin {
  return {
    meta: {
      version: 1,
      importedAt: store.clock.date().toISOString(),
      accountId: store.accountId,
      regions,
      source: 'sandbox',
      counts: {},
      calls: {},
    },
    state: store.toJSON(),
  };
}
