import { describe, expect, it } from 'vitest';
import type { FunctionName, IamNeed } from '../capability';
import { commandCapabilities, jobCapabilities } from './capabilities';
import { mergeConditions } from './conditions';
import {
  allowedActions,
  buildFunctionPolicies,
  type Capability,
  FUNCTION_NAMES,
  type PolicyScope,
  type PolicyStatement,
} from './policy';

const scope: PolicyScope = {
  tagPrefix: 'ec2ops:',
  regions: ['eu-west-1', 'us-east-1'],
  securityGroups: { ids: ['sg-0abc1234'], tags: {} },
};

const launch: IamNeed[] = [
  { actions: ['ec2:DescribeImages', 'ec2:DescribeInstances'], why: 'Read approved images and instances' },
  { actions: ['ec2:RunInstances'], why: 'Launch from approved images' },
];
const stop: IamNeed[] = [
  { actions: ['ec2:StopInstances', 'ec2:StartInstances'], why: 'Stop and start instances' },
];
const open: IamNeed[] = [
  { actions: ['ec2:AuthorizeSecurityGroupIngress'], why: 'Open a port for a limited time' },
  { actions: ['ec2:DescribeSecurityGroups'], why: 'Read security groups' },
];
const reaper = {
  name: 'instance-reaper',
  function: 'instance-reaper' as const,
  iam: [
    { actions: ['ec2:DescribeInstances'], why: 'Find managed instances and their expiry' },
    { actions: ['ec2:TerminateInstances'], why: 'Terminate expired managed instances' },
    {
      actions: ['ec2:CreateTags'],
      resources: ['arn:aws:ec2:*:*:instance/*'],
      condition: { StringEquals: { 'aws:ResourceTag/{tagPrefix}managed': 'true' } },
      why: 'Record that the owner was warned',
    },
  ],
};
const eipCleanup = {
  name: 'eip-cleanup',
  function: 'eip-cleanup' as const,
  iam: [
    { actions: ['ec2:DescribeAddresses'], why: 'Read Elastic IPs' },
    {
      actions: ['ec2:CreateTags', 'ec2:DeleteTags'],
      resources: ['arn:aws:ec2:*:*:elastic-ip/*'],
      why: 'Record and clear idle-since on Elastic IPs',
    },
    {
      actions: ['ec2:ReleaseAddress'],
      resources: ['arn:aws:ec2:*:*:elastic-ip/*'],
      why: 'Release idle Elastic IPs',
    },
  ],
};
const amiBake = {
  name: 'ami-bake',
  function: 'ami-bake' as const,
  iam: [
    { actions: ['ec2:CreateImage'], why: 'Bake images of tagged instances' },
    {
      actions: ['ec2:CreateTags'],
      condition: { StringEquals: { 'ec2:CreateAction': 'CreateImage' } },
      why: 'Tag images and snapshots as they are created',
    },
    { actions: ['ec2:DeregisterImage', 'ec2:DeleteSnapshot'], why: 'Retention' },
  ],
};

const capabilities: Capability[] = [
  ...commandCapabilities([
    { name: 'launch', iam: launch },
    { name: 'stop', iam: stop },
    { name: 'open', iam: open },
  ]),
  ...jobCapabilities([reaper, eipCleanup, amiBake]),
];

const build = (caps: Capability[] = capabilities, s: PolicyScope = scope) => buildFunctionPolicies(caps, s);

const declaredBy = (fn: FunctionName) =>
  new Set(capabilities.filter((c) => c.runsIn === fn).flatMap((c) => c.iam.flatMap((n) => n.actions)));
/** Functions that create resources may tag them in the same call. */
const createsSomething = (fn: FunctionName) =>
  ['ec2:RunInstances', 'ec2:CreateImage', 'ec2:AuthorizeSecurityGroupIngress'].some((a) =>
    declaredBy(fn).has(a),
  );

/** Statements of a function that allow `action`. */
function grantsOf(statements: PolicyStatement[], action: string): PolicyStatement[] {
  return statements.filter((s) => s.Action.includes(action));
}

describe('function policies built from command and job metadata', () => {
  it('grants every declared action to exactly the function that runs it', () => {
    const { policies } = build();
    for (const capability of capabilities) {
      for (const action of capability.iam.flatMap((n) => n.actions)) {
        const holders = FUNCTION_NAMES.filter((fn) => allowedActions(policies[fn]).includes(action));
        const runners = FUNCTION_NAMES.filter(
          (fn) => declaredBy(fn).has(action) || (action === 'ec2:CreateTags' && createsSomething(fn)),
        );
        expect(holders, `${action} (${capability.label})`).toEqual(runners);
      }
    }
  });

  it('grants nothing a function does not declare, except tagging what it creates in the same call', () => {
    const { policies } = build();
    for (const fn of FUNCTION_NAMES) {
      const expected = [...declaredBy(fn), ...(createsSomething(fn) ? ['ec2:CreateTags'] : [])];
      expect(allowedActions(policies[fn]), fn).toEqual([...new Set(expected)].sort());
    }
  });

  it('gives the slack function no EC2 access at all', () => {
    expect(build().policies.slack.Statement).toEqual([]);
  });

  it('limits every EC2 statement to the stage regions', () => {
    for (const fn of FUNCTION_NAMES) {
      for (const statement of build().policies[fn].Statement) {
        expect(statement.Condition?.StringEquals?.['aws:RequestedRegion'], statement.Sid).toEqual([
          'eu-west-1',
          'us-east-1',
        ]);
      }
    }
  });

  it('does not region-limit global services such as IAM (PassRole is checked outside the EC2 region)', () => {
    const caps = commandCapabilities([
      {
        name: 'launch',
        iam: [
          {
            actions: ['ec2:RunInstances', 'iam:PassRole'],
            resources: ['*'],
            condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
            why: 'Launch with an instance profile',
          },
        ],
      },
    ]);
    const withRole: PolicyScope = {
      ...scope,
      launch: {
        instanceRole: 'app-instance',
        subnets: [],
        securityGroups: [],
        imageOwners: ['amazon'],
        instanceTypes: [],
      },
    };
    const policies = buildFunctionPolicies(caps, withRole).policies;
    const [passRole, ...rest] = grantsOf(policies.worker.Statement, 'iam:PassRole');
    expect(rest).toEqual([]);
    expect(passRole!.Action).toEqual(['iam:PassRole']);
    expect(passRole!.Resource).toEqual(['arn:aws:iam::*:role/app-instance']);
    expect(passRole!.Condition).toEqual({ StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } });
  });

  it('writes Sids IAM accepts: alphanumeric and unique within a policy', () => {
    for (const fn of FUNCTION_NAMES) {
      const sids = build().policies[fn].Statement.map((s) => s.Sid);
      for (const sid of sids) expect(sid).toMatch(/^[A-Za-z0-9]+$/);
      expect(new Set(sids).size).toBe(sids.length);
    }
  });
});

describe('guard rails on what EC2 can condition', () => {
  it('stops, starts and terminates only instances tagged managed, even when declared without a condition', () => {
    const { policies } = build();
    for (const [fn, action] of [
      ['worker', 'ec2:StopInstances'],
      ['worker', 'ec2:StartInstances'],
      ['instance-reaper', 'ec2:TerminateInstances'],
    ] as const) {
      const [statement, ...rest] = grantsOf(policies[fn].Statement, action);
      expect(rest).toEqual([]);
      expect(statement!.Resource).toEqual(['arn:aws:ec2:*:*:instance/*']);
      expect(statement!.Condition?.StringEquals?.['aws:ResourceTag/ec2ops:managed']).toBe('true');
    }
  });

  it('uses the stage tag prefix in every condition', () => {
    const { policies } = build(capabilities, { ...scope, tagPrefix: 'acme/' });
    const text = JSON.stringify(policies);
    expect(text).not.toContain('{tagPrefix}');
    expect(text).not.toContain('ec2ops:');
    const [terminate] = grantsOf(policies['instance-reaper'].Statement, 'ec2:TerminateInstances');
    expect(terminate!.Condition?.StringEquals?.['aws:ResourceTag/acme/managed']).toBe('true');
  });

  it('launches only instances and volumes that carry the managed tag and ec2ops tag keys', () => {
    const statements = grantsOf(build().policies.worker.Statement, 'ec2:RunInstances');
    for (const resource of ['arn:aws:ec2:*:*:instance/*', 'arn:aws:ec2:*:*:volume/*']) {
      const [created, ...rest] = statements.filter((s) => s.Resource.includes(resource));
      expect(rest).toEqual([]);
      expect(created!.Resource).toEqual([resource]);
      expect(created!.Condition?.StringEquals?.['aws:RequestTag/ec2ops:managed']).toBe('true');
      expect(created!.Condition?.['ForAllValues:StringLike']?.['aws:TagKeys']).toEqual(['Name', 'ec2ops:*']);
    }
    const used = statements.find((s) => s.Resource.includes('arn:aws:ec2:*::image/*'))!;
    expect(used.Resource).toEqual([
      'arn:aws:ec2:*:*:key-pair/*',
      'arn:aws:ec2:*:*:network-interface/*',
      'arn:aws:ec2:*:*:security-group/*',
      'arn:aws:ec2:*:*:subnet/*',
      'arn:aws:ec2:*::image/*',
    ]);
    expect(Object.keys(used.Condition ?? {})).toEqual(['StringEquals']);
    expect(Object.keys(used.Condition!.StringEquals!)).toEqual(['aws:RequestedRegion']);
  });

  it('applies a condition declared on RunInstances to the instance, not to what it uses', () => {
    const caps = commandCapabilities([
      {
        name: 'launch',
        iam: [
          {
            actions: ['ec2:RunInstances'],
            condition: { StringEquals: { 'ec2:InstanceType': ['t3.micro', 't3.small'] } },
            why: 'Launch small instances',
          },
        ],
      },
    ]);
    const statements = grantsOf(build(caps).policies.worker.Statement, 'ec2:RunInstances');
    const typed = statements.filter((s) => s.Condition?.StringEquals?.['ec2:InstanceType']);
    expect(typed.map((s) => s.Resource)).toEqual([['arn:aws:ec2:*:*:instance/*']]);
  });

  it('tags on create only in the create actions the same function runs', () => {
    const worker = grantsOf(build().policies.worker.Statement, 'ec2:CreateTags');
    expect(worker).toHaveLength(1);
    expect(worker[0]!.Condition?.StringEquals?.['ec2:CreateAction']).toEqual([
      'AuthorizeSecurityGroupIngress',
      'RunInstances',
    ]);
    const bake = grantsOf(build().policies['ami-bake'].Statement, 'ec2:CreateTags');
    // The declared on-create grant and the implied one are the same statement, written once.
    expect(bake).toHaveLength(1);
    expect(bake[0]!.Condition?.StringEquals?.['ec2:CreateAction']).toBe('CreateImage');
  });

  it('writes one tag-on-create statement per function, however many needs ask for it', () => {
    const caps = commandCapabilities([
      { name: 'bake', iam: amiBake.iam },
      { name: 'launch', iam: launch },
    ]);
    const onCreate = grantsOf(build(caps).policies.worker.Statement, 'ec2:CreateTags');
    expect(onCreate).toHaveLength(1);
    expect(onCreate[0]!.Condition?.StringEquals?.['ec2:CreateAction']).toEqual([
      'CreateImage',
      'RunInstances',
    ]);
    expect(onCreate[0]!.Sid).toBe('TagResourcesInTheSameCallThatCreatesThem');
  });

  it('refuses a CreateTags-on-create for a create action the function is not granted', () => {
    const bad = jobCapabilities([
      {
        name: 'port-sweep',
        function: 'port-sweep',
        iam: [
          {
            actions: ['ec2:CreateTags'],
            condition: { StringEquals: { 'ec2:CreateAction': 'RunInstances' } },
            why: 'x',
          },
        ],
      },
    ]);
    expect(() => build(bad)).toThrow(/CreateTags on create of RunInstances, which port-sweep is not granted/);
  });

  it('tags unmanaged resources only with ec2ops keys, never the managed tag, and never deletes all tags', () => {
    const [tags] = grantsOf(build().policies['eip-cleanup'].Statement, 'ec2:DeleteTags');
    expect(tags!.Action).toEqual(['ec2:CreateTags', 'ec2:DeleteTags']);
    expect(tags!.Resource).toEqual(['arn:aws:ec2:*:*:elastic-ip/*']);
    expect(tags!.Condition?.['ForAllValues:StringLike']?.['aws:TagKeys']).toBe('ec2ops:*');
    expect(tags!.Condition?.['ForAllValues:StringNotEquals']?.['aws:TagKeys']).toBe('ec2ops:managed');
    expect(tags!.Condition?.Null?.['aws:TagKeys']).toBe('false');
  });

  it('tags managed resources with ec2ops keys', () => {
    const [tags] = grantsOf(build().policies['instance-reaper'].Statement, 'ec2:CreateTags');
    expect(tags!.Condition?.StringEquals?.['aws:ResourceTag/ec2ops:managed']).toBe('true');
    expect(tags!.Condition?.['ForAllValues:StringLike']?.['aws:TagKeys']).toBe('ec2ops:*');
    expect(tags!.Condition?.['ForAllValues:StringNotEquals']).toBeUndefined();
  });

  it('deregisters images and deletes snapshots only when they are managed', () => {
    const statements = build().policies['ami-bake'].Statement;
    const [image] = grantsOf(statements, 'ec2:DeregisterImage');
    const [snapshot] = grantsOf(statements, 'ec2:DeleteSnapshot');
    expect(image!.Resource).toEqual(['arn:aws:ec2:*::image/*']);
    expect(snapshot!.Resource).toEqual(['arn:aws:ec2:*::snapshot/*']);
    for (const s of [image!, snapshot!])
      expect(s.Condition?.StringEquals?.['aws:ResourceTag/ec2ops:managed']).toBe('true');
  });

  it('allocates Elastic IPs only tagged managed on create', () => {
    const caps = commandCapabilities([
      {
        name: 'eip attach',
        iam: [
          {
            actions: ['ec2:AllocateAddress', 'ec2:AssociateAddress'],
            resources: ['arn:aws:ec2:*:*:elastic-ip/*', 'arn:aws:ec2:*:*:instance/*'],
            why: 'Allocate an address and attach it',
          },
        ],
      },
    ]);
    const statements = build(caps).policies.worker.Statement;
    const [allocate, ...rest] = grantsOf(statements, 'ec2:AllocateAddress');
    expect(rest).toEqual([]);
    expect(allocate!.Action).toEqual(['ec2:AllocateAddress']);
    expect(allocate!.Resource).toEqual(['arn:aws:ec2:*:*:elastic-ip/*']);
    expect(allocate!.Condition?.StringEquals?.['aws:RequestTag/ec2ops:managed']).toBe('true');
    expect(
      grantsOf(statements, 'ec2:AssociateAddress')[0]!.Condition?.StringEquals?.[
        'aws:RequestTag/ec2ops:managed'
      ],
    ).toBeUndefined();
    expect(grantsOf(statements, 'ec2:CreateTags')[0]!.Condition?.StringEquals?.['ec2:CreateAction']).toBe(
      'AllocateAddress',
    );
  });

  it('never releases an Elastic IP tagged keep', () => {
    const [release] = grantsOf(build().policies['eip-cleanup'].Statement, 'ec2:ReleaseAddress');
    expect(release!.Resource).toEqual(['arn:aws:ec2:*:*:elastic-ip/*']);
    expect(release!.Condition?.StringNotEquals?.['aws:ResourceTag/ec2ops:keep']).toBe('true');
  });

  it('changes security-group rules only on the groups the stage lists by id', () => {
    const statements = grantsOf(build().policies.worker.Statement, 'ec2:AuthorizeSecurityGroupIngress');
    const groups = statements.flatMap((s) => s.Resource).filter((r) => r.includes(':security-group/'));
    expect(groups).toEqual(['arn:aws:ec2:*:*:security-group/sg-0abc1234']);
    const rules = statements.find((s) => s.Resource.includes('arn:aws:ec2:*:*:security-group-rule/*'));
    expect(rules?.Resource).toEqual(['arn:aws:ec2:*:*:security-group-rule/*']);
  });

  it('changes security-group rules only on groups carrying the stage tag when groups are chosen by tag', () => {
    const { policies } = build(capabilities, {
      ...scope,
      securityGroups: { ids: [], tags: { 'ec2ops:jit': 'true' } },
    });
    const byTag = grantsOf(policies.worker.Statement, 'ec2:AuthorizeSecurityGroupIngress').find((s) =>
      s.Resource.includes('arn:aws:ec2:*:*:security-group/*'),
    );
    expect(byTag?.Condition?.StringEquals?.['aws:ResourceTag/ec2ops:jit']).toBe('true');
  });

  it('grants no security-group change, and says so, when the stage allows no groups', () => {
    const { policies, warnings } = build(capabilities, { ...scope, securityGroups: { ids: [], tags: {} } });
    expect(allowedActions(policies.worker)).not.toContain('ec2:AuthorizeSecurityGroupIngress');
    expect(warnings).toEqual([
      'worker: ec2:AuthorizeSecurityGroupIngress is not granted because the stage allows no security groups',
    ]);
  });
});

describe('grouping', () => {
  it('merges grants with the same resources and conditions, however the conditions are written', () => {
    const caps = commandCapabilities([
      {
        name: 'a',
        iam: [
          {
            actions: ['ec2:DescribeInstances'],
            condition: { StringEquals: { 'ec2:Region': ['b', 'a'] } },
            why: 'A',
          },
        ],
      },
      {
        name: 'b',
        iam: [
          {
            actions: ['ec2:DescribeImages'],
            condition: { StringEquals: { 'ec2:Region': ['a', 'b'] } },
            why: 'B',
          },
        ],
      },
      { name: 'c', iam: [{ actions: ['ec2:DescribeImages', 'ec2:DescribeAddresses'], why: 'C' }] },
    ]);
    const statements = build(caps).policies.worker.Statement;
    expect(statements.map((s) => [s.Sid, s.Action])).toEqual([
      ['A', ['ec2:DescribeImages', 'ec2:DescribeInstances']],
      ['C', ['ec2:DescribeAddresses', 'ec2:DescribeImages']],
    ]);
  });

  it('reports contradictory conditions instead of granting something that never matches', () => {
    expect(() =>
      mergeConditions(
        { StringEquals: { 'aws:ResourceTag/x': 'true' } },
        { StringEquals: { 'aws:ResourceTag/x': 'false' } },
      ),
    ).toThrow(/contradict/);
    expect(mergeConditions({ StringNotEquals: { k: 'a' } }, { StringNotEquals: { k: 'b' } })).toEqual({
      StringNotEquals: { k: ['a', 'b'] },
    });
  });
});
