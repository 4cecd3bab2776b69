import { describe, expect, it } from 'vitest';
import type { RequestContext } from './context';
import { type Decision, evaluate } from './evaluate';
import { type IamPolicy, IamPolicyError, type IamStatement } from './policy';

/**
 * IAM's documented evaluation logic, as a table: each row is one request against one policy
 * (the examples of the IAM User Guide's "Policy evaluation logic", "Condition operators" and
 * "Multivalued context keys" pages, restated). Independent of ec2ops' own policies.
 */
const INSTANCE = 'arn:aws:ec2:us-east-1:111122223333:instance/i-0123456789abcdef0';
const VOLUME = 'arn:aws:ec2:us-east-1:111122223333:volume/vol-0123456789abcdef0';
/** `${key}`, an IAM policy variable (written so it is not mistaken for a template placeholder). */
const iamVar = (key: string) => `\${${key}}`;
const allow = (s: Omit<IamStatement, 'Effect'>): IamStatement => ({ Effect: 'Allow', ...s });
const deny = (s: Omit<IamStatement, 'Effect'>): IamStatement => ({ Effect: 'Deny', ...s });
const policy = (...Statement: IamStatement[]): IamPolicy => ({ Version: '2012-10-17', Statement });
const when = (Condition: IamStatement['Condition']) =>
  policy(allow({ Action: 'ec2:*', Resource: '*', Condition }));

interface Row {
  says: string;
  policy: IamPolicy;
  action?: string;
  resource?: string;
  context?: RequestContext;
  decision: Decision;
}

const rows: Row[] = [
  // --- the decision: implicit deny, explicit deny wins, allow needs everything to match
  { says: 'nothing allows it: implicit deny', policy: policy(), decision: 'ImplicitDeny' },
  {
    says: 'an allow that matches allows',
    policy: policy(allow({ Action: 'ec2:DescribeInstances', Resource: '*' })),
    decision: 'Allow',
  },
  {
    says: 'an explicit deny wins over any allow',
    policy: policy(
      allow({ Action: 'ec2:*', Resource: '*' }),
      deny({ Action: 'ec2:Describe*', Resource: '*' }),
    ),
    decision: 'ExplicitDeny',
  },
  {
    says: 'a deny whose condition does not hold does not apply',
    policy: policy(
      allow({ Action: 'ec2:*', Resource: '*' }),
      deny({
        Action: '*',
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': 'us-east-1' } },
      }),
    ),
    context: { 'aws:RequestedRegion': 'us-east-1' },
    decision: 'Allow',
  },
  {
    says: 'an allow for another action does not allow',
    policy: policy(allow({ Action: 'ec2:RunInstances', Resource: '*' })),
    decision: 'ImplicitDeny',
  },
  // --- Action and NotAction: wildcards, case-insensitive
  {
    says: 'ec2:Describe* covers DescribeInstances',
    policy: policy(allow({ Action: 'ec2:Describe*', Resource: '*' })),
    decision: 'Allow',
  },
  {
    says: 'actions compare without regard to case',
    policy: policy(allow({ Action: 'EC2:describeinstances', Resource: '*' })),
    decision: 'Allow',
  },
  {
    says: '? matches exactly one character',
    policy: policy(allow({ Action: 'ec2:DescribeInstance?', Resource: '*' })),
    decision: 'Allow',
  },
  {
    says: 'NotAction allows every action but those listed',
    policy: policy(allow({ NotAction: 'iam:*', Resource: '*' })),
    decision: 'Allow',
  },
  {
    says: 'NotAction does not allow what it lists',
    policy: policy(allow({ NotAction: ['ec2:Describe*'], Resource: '*' })),
    decision: 'ImplicitDeny',
  },
  // --- Resource and NotResource: ARNs match segment by segment, case-sensitively
  {
    says: 'an instance ARN pattern covers the instance',
    policy: policy(allow({ Action: 'ec2:*', Resource: 'arn:aws:ec2:*:*:instance/*' })),
    resource: INSTANCE,
    decision: 'Allow',
  },
  {
    says: 'an instance ARN pattern does not cover a volume',
    policy: policy(allow({ Action: 'ec2:*', Resource: 'arn:aws:ec2:*:*:instance/*' })),
    resource: VOLUME,
    decision: 'ImplicitDeny',
  },
  {
    says: 'a region wildcard cannot swallow the account',
    policy: policy(allow({ Action: 'ec2:*', Resource: 'arn:aws:ec2:*:instance/*' })),
    resource: INSTANCE,
    decision: 'ImplicitDeny',
  },
  {
    says: 'another account does not match',
    policy: policy(allow({ Action: 'ec2:*', Resource: 'arn:aws:ec2:*:444455556666:instance/*' })),
    resource: INSTANCE,
    decision: 'ImplicitDeny',
  },
  {
    says: 'resource ARNs are case-sensitive',
    policy: policy(allow({ Action: 'ec2:*', Resource: 'arn:aws:ec2:*:*:INSTANCE/*' })),
    resource: INSTANCE,
    decision: 'ImplicitDeny',
  },
  {
    says: 'NotResource allows everything but what it lists',
    policy: policy(allow({ Action: 'ec2:*', NotResource: 'arn:aws:ec2:*:*:volume/*' })),
    resource: INSTANCE,
    decision: 'Allow',
  },
  {
    says: 'a policy variable in Resource takes the request value',
    policy: policy(
      allow({ Action: 'ec2:*', Resource: `arn:aws:ec2:*:${iamVar('aws:PrincipalAccount')}:instance/*` }),
    ),
    resource: INSTANCE,
    context: { 'aws:PrincipalAccount': '111122223333' },
    decision: 'Allow',
  },
  {
    says: 'a policy variable whose key is absent makes the resource not match',
    policy: policy(
      allow({ Action: 'ec2:*', Resource: `arn:aws:ec2:*:${iamVar('aws:PrincipalAccount')}:instance/*` }),
    ),
    resource: INSTANCE,
    decision: 'ImplicitDeny',
  },
  // --- condition logic: operators AND, keys AND, values OR (NOR when negated)
  {
    says: 'a key with several values matches any of them',
    policy: when({ StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } }),
    context: { 'aws:RequestedRegion': 'us-east-1' },
    decision: 'Allow',
  },
  {
    says: 'two keys under one operator must both hold',
    policy: when({ StringEquals: { 'aws:RequestedRegion': 'us-east-1', 'aws:ResourceTag/team': 'a' } }),
    context: { 'aws:RequestedRegion': 'us-east-1', 'aws:ResourceTag/team': 'b' },
    decision: 'ImplicitDeny',
  },
  {
    says: 'two operators must both hold',
    policy: when({
      StringEquals: { 'aws:RequestedRegion': 'us-east-1' },
      StringLike: { 'aws:ResourceTag/team': 'pay*' },
    }),
    context: { 'aws:RequestedRegion': 'us-east-1', 'aws:ResourceTag/team': 'payments' },
    decision: 'Allow',
  },
  {
    says: 'a negated operator with several values is NOR: equal to one of them fails',
    policy: when({ StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } }),
    context: { 'aws:RequestedRegion': 'eu-west-1' },
    decision: 'ImplicitDeny',
  },
  {
    says: 'condition key names compare without regard to case',
    policy: when({ StringEquals: { 'AWS:REQUESTEDREGION': 'us-east-1' } }),
    context: { 'aws:RequestedRegion': 'us-east-1' },
    decision: 'Allow',
  },
  {
    says: 'StringEquals compares values case-sensitively',
    policy: when({ StringEquals: { 'aws:ResourceTag/team': 'Payments' } }),
    context: { 'aws:ResourceTag/team': 'payments' },
    decision: 'ImplicitDeny',
  },
  {
    says: 'StringEqualsIgnoreCase does not',
    policy: when({ StringEqualsIgnoreCase: { 'aws:ResourceTag/team': 'Payments' } }),
    context: { 'aws:ResourceTag/team': 'payments' },
    decision: 'Allow',
  },
  {
    says: 'a condition value may be a policy variable (owner tag equals the user name)',
    policy: when({ StringEquals: { 'aws:ResourceTag/owner': iamVar('aws:username') } }),
    context: { 'aws:ResourceTag/owner': 'alice', 'aws:username': 'alice' },
    decision: 'Allow',
  },
  {
    says: `the variable ${iamVar('*')} in a StringLike value is a literal asterisk`,
    policy: when({ StringLike: { 'aws:ResourceTag/name': `a${iamVar('*')}b` } }),
    context: { 'aws:ResourceTag/name': 'axb' },
    decision: 'ImplicitDeny',
  },
  // --- absent keys, IfExists and Null
  {
    says: 'an absent key fails a positive operator',
    policy: when({ StringEquals: { 'aws:ResourceTag/team': 'a' } }),
    decision: 'ImplicitDeny',
  },
  {
    says: 'an absent key passes a negated operator',
    policy: when({ StringNotEquals: { 'aws:ResourceTag/keep': 'true' } }),
    decision: 'Allow',
  },
  {
    says: '…IfExists passes when the key is absent',
    policy: when({ StringEqualsIfExists: { 'ec2:InstanceType': 't3.micro' } }),
    decision: 'Allow',
  },
  {
    says: '…IfExists still tests a key that is present',
    policy: when({ StringEqualsIfExists: { 'ec2:InstanceType': 't3.micro' } }),
    context: { 'ec2:InstanceType': 'm5.24xlarge' },
    decision: 'ImplicitDeny',
  },
  {
    says: 'a Deny with BoolIfExists MFA=false applies to a request without the MFA key',
    policy: policy(
      allow({ Action: 'ec2:*', Resource: '*' }),
      deny({
        Action: 'ec2:*',
        Resource: '*',
        Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
      }),
    ),
    decision: 'ExplicitDeny',
  },
  {
    says: 'Null true holds when the key is absent',
    policy: when({ Null: { 'aws:TokenIssueTime': 'true' } }),
    decision: 'Allow',
  },
  {
    says: 'Null false holds only when the key is present',
    policy: when({ Null: { 'aws:TagKeys': 'false' } }),
    context: { 'aws:TagKeys': [] },
    decision: 'ImplicitDeny',
  },
  // --- multivalued keys: ForAllValues / ForAnyValue
  {
    says: 'ForAllValues holds when every request value matches a policy value',
    policy: when({ 'ForAllValues:StringLike': { 'aws:TagKeys': ['key1*', 'key2*'] } }),
    context: { 'aws:TagKeys': ['key1-a', 'key2-b'] },
    decision: 'Allow',
  },
  {
    says: 'ForAllValues fails when one request value matches none',
    policy: when({ 'ForAllValues:StringLike': { 'aws:TagKeys': ['key1*', 'key2*'] } }),
    context: { 'aws:TagKeys': ['key1-a', 'other'] },
    decision: 'ImplicitDeny',
  },
  {
    says: 'ForAllValues also holds when the request has no such key',
    policy: when({ 'ForAllValues:StringLike': { 'aws:TagKeys': 'key1*' } }),
    decision: 'Allow',
  },
  {
    says: 'ForAnyValue holds when one request value matches',
    policy: when({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': ['environment', 'cost-center'] } }),
    context: { 'aws:TagKeys': ['environment', 'misc'] },
    decision: 'Allow',
  },
  {
    says: 'ForAnyValue fails when the request has no such key',
    policy: when({ 'ForAnyValue:StringEquals': { 'aws:TagKeys': 'environment' } }),
    decision: 'ImplicitDeny',
  },
  {
    says: 'ForAllValues:StringNotEquals: no request value may be a listed one',
    policy: when({ 'ForAllValues:StringNotEquals': { 'aws:TagKeys': ['owner'] } }),
    context: { 'aws:TagKeys': ['owner', 'name'] },
    decision: 'ImplicitDeny',
  },
  {
    says: 'ForAnyValue:StringNotEquals: some request value is not a listed one',
    policy: when({ 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['owner'] } }),
    context: { 'aws:TagKeys': ['owner', 'name'] },
    decision: 'Allow',
  },
  {
    says: 'a Deny with ForAnyValue on a forbidden tag key applies',
    policy: policy(
      allow({ Action: 'ec2:CreateTags', Resource: '*' }),
      deny({
        Action: 'ec2:CreateTags',
        Resource: '*',
        Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'aws:*' } },
      }),
    ),
    action: 'ec2:CreateTags',
    context: { 'aws:TagKeys': ['name', 'aws:created'] },
    decision: 'ExplicitDeny',
  },
  // --- the other operator families
  {
    says: 'Bool compares true/false without regard to case',
    policy: when({ Bool: { 'aws:SecureTransport': 'true' } }),
    context: { 'aws:SecureTransport': 'TRUE' },
    decision: 'Allow',
  },
  {
    says: 'NumericLessThanEquals compares numbers, not text',
    policy: when({ NumericLessThanEquals: { 's3:max-keys': '10' } }),
    context: { 's3:max-keys': '9' },
    decision: 'Allow',
  },
  {
    says: 'a value that is not a number never matches a numeric operator',
    policy: when({ NumericLessThan: { 's3:max-keys': '10' } }),
    context: { 's3:max-keys': 'ten' },
    decision: 'ImplicitDeny',
  },
  {
    says: 'DateGreaterThan compares instants (ISO 8601 against epoch seconds)',
    policy: when({ DateGreaterThan: { 'aws:CurrentTime': '2020-04-01T00:00:00Z' } }),
    context: { 'aws:CurrentTime': String(Date.parse('2020-04-01T00:00:01Z') / 1000) },
    decision: 'Allow',
  },
  {
    says: 'DateLessThan fails after the instant',
    policy: when({ DateLessThan: { 'aws:CurrentTime': '2020-04-01T00:00:00Z' } }),
    context: { 'aws:CurrentTime': '2021-01-01T00:00:00Z' },
    decision: 'ImplicitDeny',
  },
  {
    says: 'IpAddress matches an address inside the CIDR',
    policy: when({ IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '2001:db8::/32'] } }),
    context: { 'aws:SourceIp': '2001:db8::1' },
    decision: 'Allow',
  },
  {
    says: 'NotIpAddress fails for an address inside the CIDR',
    policy: when({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }),
    context: { 'aws:SourceIp': '203.0.113.7' },
    decision: 'ImplicitDeny',
  },
  {
    says: 'ArnLike matches ARN segments with wildcards',
    policy: when({ ArnLike: { 'aws:SourceArn': 'arn:aws:sns:*:111122223333:*' } }),
    context: { 'aws:SourceArn': 'arn:aws:sns:eu-west-1:111122223333:topic' },
    decision: 'Allow',
  },
  {
    says: 'ArnNotEquals fails for a matching ARN',
    policy: when({
      ArnNotEquals: { 'ec2:InstanceProfile': 'arn:aws:iam::111122223333:instance-profile/app' },
    }),
    context: { 'ec2:InstanceProfile': 'arn:aws:iam::111122223333:instance-profile/app' },
    decision: 'ImplicitDeny',
  },
];

describe('IAM policy evaluation', () => {
  it.each(rows)('$says', (row) => {
    const result = evaluate(row.policy, {
      action: row.action ?? 'ec2:DescribeInstances',
      resource: row.resource ?? '*',
      context: row.context,
    });
    expect(result.decision).toBe(row.decision);
  });

  it('evaluates several policies as one: a deny in one beats an allow in another', () => {
    const result = evaluate(
      [
        policy(allow({ Action: 'ec2:*', Resource: '*' })),
        policy(deny({ Action: 'ec2:TerminateInstances', Resource: '*' })),
      ],
      { action: 'ec2:TerminateInstances', resource: INSTANCE },
    );
    expect(result).toMatchObject({ decision: 'ExplicitDeny', statement: { Effect: 'Deny' } });
  });

  it('refuses a policy IAM would refuse: an unknown operator, a statement without Action', () => {
    const request = { action: 'ec2:DescribeInstances', resource: '*' };
    expect(() => evaluate(when({ StringSortOf: { 'aws:RequestedRegion': 'x' } }), request)).toThrow(
      IamPolicyError,
    );
    expect(() => evaluate(policy({ Effect: 'Allow', Resource: '*' } as IamStatement), request)).toThrow(
      /exactly one of Action and NotAction/,
    );
  });
});
