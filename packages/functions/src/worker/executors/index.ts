import type { Executor } from '../context';
import { amiApprove } from './ami-approve';
import { amiBake } from './ami-bake';
import { amiList } from './ami-list';
import { amiRevoke } from './ami-revoke';
import { help } from './help';

/**
 * Command name (as in its CommandSpec) → executor, one file each beside this one. A spec
 * without an executor is refused by the worker with `command.not-implemented`.
 */
export const EXECUTORS: Record<string, Executor> = {
  help,
  'ami list': amiList,
  'ami bake': amiBake,
  'ami approve': amiApprove,
  'ami revoke': amiRevoke,
};
