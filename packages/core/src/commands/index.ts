import { CommandRegistry } from './registry';
import { access } from './specs/access';
import { accessExtend } from './specs/access-extend';
import { amiApprove } from './specs/ami-approve';
import { amiBake } from './specs/ami-bake';
import { amiList } from './specs/ami-list';
import { amiRestore } from './specs/ami-restore';
import { amiRevoke } from './specs/ami-revoke';
import { amiShare, amiUnshare } from './specs/ami-share';
import { close } from './specs/close';
import { eipAttach } from './specs/eip-attach';
import { eipKeep } from './specs/eip-keep';
import { eipList } from './specs/eip-list';
import { eipRelease } from './specs/eip-release';
import { eipUnkeep } from './specs/eip-unkeep';
import { extend } from './specs/extend';
import { forecast } from './specs/forecast';
import { help } from './specs/help';
import { launch } from './specs/launch';
import { list } from './specs/list';
import { open } from './specs/open';
import { start } from './specs/start';
import { status } from './specs/status';
import { stop } from './specs/stop';
import { terminate } from './specs/terminate';
import type { CommandSpec } from './types';

/**
 * Every `/ec2` command, one spec file each under ./specs. To add a command: create
 * `specs/<name>.ts` exporting its CommandSpec, add it to this list, and register its executor in
 * functions/src/worker/executors/index.ts. See ./README.md.
 */
export const COMMANDS = [
  help,
  launch,
  list,
  stop,
  start,
  terminate,
  extend,
  amiList,
  amiBake,
  amiApprove,
  amiRevoke,
  amiShare,
  amiUnshare,
  amiRestore,
  open,
  close,
  access,
  accessExtend,
  eipList,
  eipRelease,
  eipKeep,
  eipUnkeep,
  eipAttach,
  status,
  forecast,
] as const satisfies readonly CommandSpec[];

/** Every command's name, derived from the specs: `'help' | 'launch' | … | 'eip attach'`. */
export type CommandName = (typeof COMMANDS)[number]['name'];

/** The spec of one command, by name. */
export type SpecOf<N extends CommandName> = Extract<(typeof COMMANDS)[number], { name: N }>;

export const commands = new CommandRegistry(COMMANDS);

export { defineArg, defineCommand, type NamedCommandSpec } from './define';
export * from './help';
export * from './parse';
export { CommandRegistry, SLASH_COMMAND } from './registry';
export * from './request';
export * from './specs/access';
export * from './specs/access-extend';
export * from './specs/ami-approve';
export * from './specs/ami-bake';
export * from './specs/ami-list';
export * from './specs/ami-restore';
export * from './specs/ami-revoke';
export * from './specs/ami-share';
export * from './specs/close';
export * from './specs/eip-arg';
export * from './specs/eip-attach';
export * from './specs/eip-keep';
export * from './specs/eip-list';
export * from './specs/eip-release';
export * from './specs/eip-unkeep';
export * from './specs/extend';
export * from './specs/forecast';
export * from './specs/help';
export * from './specs/instance-arg';
export * from './specs/launch';
export * from './specs/list';
export * from './specs/open';
export * from './specs/start';
export * from './specs/stop';
export * from './specs/terminate';
export * from './tokenize';
export type {
  ArgSpec,
  ArgsOf,
  ArgValue,
  CommandSpec,
  OptionSpec,
  ParsedCommand,
  ValueOf,
  ValueType,
} from './types';
export * from './values';
