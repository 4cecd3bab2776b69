import type { CommandRegistry } from '@ec2ops/core/commands';
import type { StageConfig } from '@ec2ops/core/config';
import type { Auditor } from '../audit';
import type { CoordinationTable } from '../coordination/table';
import type { Queue } from '../queue';
import type { RoleResolver } from '../roles';
import type { Clock } from '../root';
import type { Logger } from '../telemetry/log';
import type { Meter } from '../telemetry/meter';

/** What the slack function's listeners use. Built once per cold start by slack/root.ts. */
export interface SlackDeps {
  config: StageConfig;
  commands: CommandRegistry;
  queue: Queue;
  roles: RoleResolver;
  auditor: Auditor;
  logger: Logger;
  clock: Clock;
  newRequestId(): string;
  /** Key for approval tokens (core/approvals/token.ts deriveApprovalKey). */
  approvalKey: Buffer;
  /** First-writer-wins approval decisions (coordination/decisions.ts); unguarded when absent. */
  coordination?: CoordinationTable | undefined;
  /** Refusals counted as commands, ack latency (telemetry/meter.ts); none when absent. */
  meter?: Meter | undefined;
}
