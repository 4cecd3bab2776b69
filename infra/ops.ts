import { EXPIRE_EC2_POLICY } from '@ec2ops/core/ops';
import { LAMBDA_TRUST_POLICY } from './iam';
import { slackBotToken } from './secrets';
import { baseEnvironment, logging } from './stage';

/**
 * Expiry enforced twice (see docs/operations.md): the worker makes one EventBridge Scheduler
 * one-time schedule per temporary rule, in this stage's schedule group, invoking the expiry
 * function at the rule's expiry. The port-sweep stays the backstop.
 *
 * IAM: the worker may manage schedules in this group only and pass only the scheduler's role;
 * the scheduler's role may invoke only the expiry function.
 */
/** Named, not generated: the worker's permissions and environment name it before it exists. */
/** Only Lambda may assume the role (SST's own choice of trust cannot be relied on: infra/iam.ts). */
export function lambdaOnlyTrust(args: aws.iam.RoleArgs): undefined {
  args.assumeRolePolicy = LAMBDA_TRUST_POLICY;
  return undefined;
}

export const expiryGroupName = `${$app.name}-${$app.stage}-expiry`;

export const expiryGroup = new aws.scheduler.ScheduleGroup('ExpirySchedules', { name: expiryGroupName });

export const expiryFunction = new sst.aws.Function('Expire', {
  handler: 'packages/functions/src/ops/expire.handler.handler',
  description: 'Closes a temporary security-group rule at its expiry (EventBridge Scheduler target)',
  runtime: 'nodejs22.x',
  architecture: 'arm64',
  memory: '256 MB',
  timeout: '30 seconds',
  // Tells the rule's owner it closed, as the port-sweep does.
  link: [slackBotToken],
  environment: baseEnvironment,
  // One policy with the sandbox's emulator, which enforces it for this function (core/ops/expire-policy.ts).
  permissions: EXPIRE_EC2_POLICY.Statement.map((s) => ({ actions: s.Action, resources: s.Resource })),
  transform: { role: lambdaOnlyTrust },
  logging,
});

const account = aws.getCallerIdentityOutput({}).accountId;
const region = aws.getRegionOutput({}).name;

export const expirySchedulerRole = new aws.iam.Role('ExpirySchedulerRole', {
  assumeRolePolicy: $jsonStringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Action: 'sts:AssumeRole',
        // Only this account's schedules may use the role (confused-deputy guard).
        Condition: { StringEquals: { 'aws:SourceAccount': account } },
      },
    ],
  }),
  // Inline, on the role itself: no policy is attached beside a role (test/infra/stack.test.ts).
  inlinePolicies: [
    {
      name: 'InvokeExpiryFunction',
      policy: $jsonStringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: [expiryFunction.arn, $interpolate`${expiryFunction.arn}:*`],
          },
        ],
      }),
    },
  ],
});

/** What the worker reads to make schedules (packages/functions/src/ops/expiry-schedules.ts). */
export const expiryWorkerEnvironment = {
  EXPIRY_SCHEDULE_GROUP: expiryGroupName,
  EXPIRY_FUNCTION_ARN: expiryFunction.arn,
  EXPIRY_SCHEDULER_ROLE_ARN: expirySchedulerRole.arn,
};

/** The worker's Scheduler permissions: schedules in this stage's group, and passing the scheduler's role. */
export const expiryWorkerPermissions = [
  {
    actions: [
      'scheduler:CreateSchedule',
      'scheduler:UpdateSchedule',
      'scheduler:DeleteSchedule',
      'scheduler:GetSchedule',
    ],
    resources: [$interpolate`arn:aws:scheduler:${region}:${account}:schedule/${expiryGroupName}/*`],
  },
  { actions: ['iam:PassRole'], resources: [expirySchedulerRole.arn] },
];
