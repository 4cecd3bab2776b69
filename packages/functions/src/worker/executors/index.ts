import type { CommandName } from '@ec2ops/core/commands';
import type { Executor } from '../context';
import { access } from './access';
import { accessExtend } from './access-extend';
import { amiApprove } from './ami-approve';
import { amiBake } from './ami-bake';
import { amiList } from './ami-list';
import { amiRevoke } from './ami-revoke';
import { close } from './close';
import { eipAttach } from './eip-attach';
import { eipKeep } from './eip-keep';
import { eipList } from './eip-list';
import { eipRelease } from './eip-release';
import { eipUnkeep } from './eip-unkeep';
import { extend } from './extend';
import { forecast } from './forecast';
import { help } from './help';
import { launch } from './launch';
import { start, stop, terminate } from './lifecycle';
import { list } from './list';
import { open } from './open';

/**
 * Command name → executor, one file each beside this one. The names are the specs' own
 * (core's CommandName): the compiler refuses a command without an executor, and an executor
 * for a command that does not exist.
 */
export const EXECUTORS = {
  help,
  launch,
  list,
  stop,
  start,
  terminate,
  extend,
  'ami list': amiList,
  'ami bake': amiBake,
  'ami approve': amiApprove,
  'ami revoke': amiRevoke,
  open,
  close,
  access,
  'access extend': accessExtend,
  'eip list': eipList,
  'eip release': eipRelease,
  'eip keep': eipKeep,
  'eip unkeep': eipUnkeep,
  'eip attach': eipAttach,
  forecast,
} as const satisfies Record<CommandName, Executor>;
