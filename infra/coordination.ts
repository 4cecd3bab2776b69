import {
  COORDINATION_ACCESS,
  type CoordinationUser,
  leadingKeyPatterns,
} from '../packages/functions/src/coordination/access';
import { KEY_ATTR, TTL_ATTR } from '../packages/functions/src/coordination/table';
import { stage } from './stage';

/**
 * The stage's coordination table (docs/coordination.md): idempotency records, approval decisions,
 * launch reservations, job-run leases and the replay cache, every item with a TTL. On demand, so
 * a stage nobody uses costs nothing but its few kilobytes; point-in-time recovery in production.
 */
export const coordinationTable = new sst.aws.Dynamo('Coordination', {
  fields: { [KEY_ATTR]: 'string' },
  primaryIndex: { hashKey: KEY_ATTR },
  ttl: TTL_ATTR,
  transform: {
    table: (args) => {
      args.billingMode = 'PAY_PER_REQUEST';
      args.pointInTimeRecovery = { enabled: stage.config.production === true };
    },
  },
});

/**
 * What a function needs to use the table, to spread into its `sst.aws.Function` args: the table
 * name as COORDINATION_TABLE, and a policy with only the actions its code calls, on this table,
 * for its own kinds of item (not `link`, which would grant every DynamoDB action).
 */
export function coordinationAccess(user: CoordinationUser) {
  return {
    environment: { COORDINATION_TABLE: coordinationTable.name },
    permission: {
      actions: COORDINATION_ACCESS[user].actions,
      resources: [coordinationTable.arn],
      conditions: [
        {
          test: 'ForAllValues:StringLike',
          variable: 'dynamodb:LeadingKeys',
          values: leadingKeyPatterns(user),
        },
      ],
    },
  };
}
