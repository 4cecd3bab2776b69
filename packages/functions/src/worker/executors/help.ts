import { renderHelp } from '@ec2ops/core/commands';
import type { CommandExecutor } from '../context';

export const help: CommandExecutor<'help'> = async ({ commands, request }) =>
  renderHelp(commands, request.user.role, request.args.command);
