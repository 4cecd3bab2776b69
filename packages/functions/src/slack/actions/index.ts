import { ACTION_KINDS } from '@ec2ops/core/slack';
import { decide } from './decide';
import { run } from './run';
import type { ActionHandler } from './types';

/**
 * action kind (`ec2ops:<kind>[:…]`, core/slack/actions.ts) → handler, one file each. Most new
 * buttons need no handler: make them `run` buttons whose value is the command to run.
 */
export const ACTION_HANDLERS: Record<string, ActionHandler> = {
  [ACTION_KINDS.run]: run,
  [ACTION_KINDS.approve]: decide('approve'),
  [ACTION_KINDS.deny]: decide('deny'),
};
