import { renderHelp } from '@ec2ops/core/commands';
import type { Executor } from '../context';

export const help: Executor = async ({ commands, request }) =>
  renderHelp(
    commands,
    request.user.role,
    typeof request.args['command'] === 'string' ? request.args['command'] : undefined,
  );
