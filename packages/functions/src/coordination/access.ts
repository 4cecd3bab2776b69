import { ITEM_KINDS, type ItemKind } from './table';

export type CoordinationUser = 'slack' | 'worker' | 'jobs';

/**
 * What each function does to the coordination table: the DynamoDB actions its code calls and the
 * kinds of item it touches. infra/coordination.ts turns this into each role's policy (the
 * table's ARN, these actions, `dynamodb:LeadingKeys` limited to these kinds' prefixes), so a
 * function cannot read or forge another's items: the slack function cannot write idempotency
 * records, the worker cannot write decisions.
 */
export const COORDINATION_ACCESS: Record<CoordinationUser, { actions: string[]; kinds: ItemKind[] }> = {
  // replay.ts (PutItem, UpdateItem: accepted, retry claimed), decisions.ts (PutItem, GetItem, DeleteItem to withdraw).
  slack: {
    actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    kinds: ['replay', 'decision'],
  },
  // Powertools' DynamoDB persistence (PutItem, GetItem, UpdateItem, DeleteItem); reservations.ts.
  worker: {
    actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    // job-runs.ts: `/ec2 status` reads the jobs' last runs (GetItem only, which it already has).
    kinds: ['idempotency', 'launches', 'run'],
  },
  // leases.ts; fleet-run.ts (PutItem to claim a shard, UpdateItem to count it and claim the report);
  // job-runs.ts (each run records how it ended, PutItem).
  jobs: {
    actions: ['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    kinds: ['lease', 'fleetRun', 'run'],
  },
};

/** `dynamodb:LeadingKeys` patterns of a function's kinds (`ForAllValues:StringLike`). */
export function leadingKeyPatterns(user: CoordinationUser): string[] {
  return COORDINATION_ACCESS[user].kinds.map((kind) => `${ITEM_KINDS[kind].prefix}*`);
}
