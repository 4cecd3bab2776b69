import type { PolicyDocument, PolicyScope } from './policy';

/**
 * The Forecast function (deployed under this name) takes a twin of the account and runs the
 * jobs on it inside the EC2 emulator: it only ever reads the account. Its grant is therefore not
 * derived from commands or jobs (they would hand it their mutating actions) but listed here,
 * read-only by construction: every action is one the twin import sends.
 */
export const FORECAST_FUNCTION = 'Forecast';

/** What the twin import reads, per region: the only EC2 actions the Forecast function may call. */
export const TWIN_READ_ACTIONS = [
  'DescribeAddresses',
  'DescribeImages',
  'DescribeInstances',
  'DescribeLaunchTemplates',
  'DescribeLaunchTemplateVersions',
  'DescribeSecurityGroupRules',
  'DescribeSecurityGroups',
  'DescribeSnapshots',
  'DescribeSubnets',
  'DescribeVolumes',
  'DescribeVpcs',
] as const;

export type TwinReadAction = (typeof TWIN_READ_ACTIONS)[number];

/** The Forecast function's EC2 policy: the twin import's Describe calls, in the stage's regions. */
export function forecastPolicy(scope: Pick<PolicyScope, 'regions'>): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ReadTheAccountIntoATwinForTheForecast',
        Effect: 'Allow',
        Action: TWIN_READ_ACTIONS.map((a) => `ec2:${a}`),
        // EC2 Describe* calls support no resource-level permissions.
        Resource: ['*'],
        Condition: { StringEquals: { 'aws:RequestedRegion': [...scope.regions].sort() } },
      },
    ],
  };
}
