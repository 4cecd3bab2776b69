import { statusMessage } from '@ec2ops/core/ops';
import { gatherStatus } from '../../ops/status';
import type { Executor } from '../context';

/** `/ec2 status` (viewer): jobs, queue and alarms in one ephemeral answer. */
export const status: Executor = async ({ config, clock, status: sources }) =>
  statusMessage(await gatherStatus(sources, config, clock.now().getTime()));
