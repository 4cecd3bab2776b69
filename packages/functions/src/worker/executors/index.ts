import type { CommandName } from '@ec2ops/core/commands';
import type { CommandExecutor, Executor } from '../context';
import { access } from './access';
import { accessExtend } from './access-extend';
import { amiApprove } from './ami-approve';
import { amiBake } from './ami-bake';
import { amiList } from './ami-list';
import { amiRestore } from './ami-restore';
import { amiRevoke } from './ami-revoke';
import { amiShare, amiUnshare } from './ami-share';
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
import { status } from './status';

/**
 * Command name → executor, one file each beside this one. The names are the specs' own
 * (core's CommandName): the compiler refuses a command without an executor, an executor for a
 * command that does not exist, and an executor that reads arguments its spec does not declare.
 */
const TYPED = {
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
  'ami share': amiShare,
  'ami unshare': amiUnshare,
  'ami restore': amiRestore,
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
  status,
} as const satisfies { [N in CommandName]: CommandExecutor<N> };

/**
 * The worker looks an executor up by the request's command name, after the parser has checked
 * the request's arguments against that command's spec: this is where that run-time check meets
 * the types, once, instead of a `String(request.args[…])` in every executor.
 */
export const EXECUTORS = TYPED as Readonly<Record<CommandName, Executor>>;
