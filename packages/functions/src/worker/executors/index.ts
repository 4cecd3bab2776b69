import type { Executor } from '../context';
import { help } from './help';

/**
 * Command name (as in its CommandSpec) → executor, one file each beside this one. A spec
 * without an executor is refused by the worker with `command.not-implemented`.
 */
export const EXECUTORS: Record<string, Executor> = {
  help,
};
