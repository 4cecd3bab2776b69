import type { FunctionName, IamNeed } from '../capability';
import { type Condition, conditionValues, mergeConditions } from './conditions';
import type { Grant, PolicyScope } from './scope';

/**
 * The guard rails, applied to whatever a capability declares, wherever EC2 supports them:
 *
 * - Start/Stop/Reboot/TerminateInstances, DeregisterImage, DeleteSnapshot: only on resources
 *   tagged `<prefix>managed=true` (DESIGN: ec2ops acts only on what it created).
 * - RunInstances: the instance and its volumes must be tagged `<prefix>managed=true` in the
 *   same request, with no tag keys but ec2ops's own and `Name`; the image, subnet, security
 *   groups, network interface and key pair it uses are plain.
 * - CreateTags: either in the call that creates the resource (`ec2:CreateAction` limited to the
 *   create actions the same function is granted), or writing only ec2ops's own tag keys, never
 *   `<prefix>managed` on something ec2ops did not create. DeleteTags likewise, never without keys
 *   (DeleteTags with no keys removes every tag).
 * - Security-group changes: only on the groups the stage lists (by id or by tag).
 * - RunInstances, where the stage says: only its subnets and security groups, images of its
 *   owners (`ec2:Owner`), its instance profile, IMDSv2 (`ec2:MetadataHttpTokens=required`),
 *   encrypted volumes and its instance families.
 * - iam:PassRole: only the stage's instance-profile role, only to EC2.
 * - CreateImage: only of managed instances (the nightly bake: managed and `<prefix>bake=nightly`).
 * - Security-group rules: an authorize must tag the rule managed with an expiry on create (the
 *   sweeper closes it by that tag); a revoke or rule change touches managed rules only.
 * - AllocateAddress: only with `<prefix>managed=true` (and only ec2ops's keys) tagged on create.
 * - AssociateAddress: only managed addresses, onto managed instances.
 * - ReleaseAddress: never on an address tagged `<prefix>keep=true`; with `eip.scope: managed`,
 *   only on managed addresses.
 * - ssm:GetParameters: only the parameters the stage lets launch templates resolve.
 *
 * So the launch path must tag the instance *and* its volumes on create, and the bake path its
 * images and their snapshots: the policy denies anything else in AWS.
 */

export interface GuardScope extends PolicyScope {
  /** Every action the function declares, lower-case (to check `ec2:CreateAction` against). */
  functionActions: Set<string>;
}

const ANY = 'arn:aws:ec2:*:*';
export const ARN = {
  instance: `${ANY}:instance/*`,
  volume: `${ANY}:volume/*`,
  image: 'arn:aws:ec2:*::image/*',
  snapshot: 'arn:aws:ec2:*::snapshot/*',
  subnet: `${ANY}:subnet/*`,
  securityGroup: (id: string) => `${ANY}:security-group/${id}`,
  securityGroupRule: `${ANY}:security-group-rule/*`,
  networkInterface: `${ANY}:network-interface/*`,
  keyPair: `${ANY}:key-pair/*`,
  elasticIp: `${ANY}:elastic-ip/*`,
};

/** Actions allowed only on managed resources, and the resource type each acts on. */
const MANAGED_ONLY: Record<string, string> = {
  'ec2:startinstances': ARN.instance,
  'ec2:stopinstances': ARN.instance,
  'ec2:rebootinstances': ARN.instance,
  'ec2:terminateinstances': ARN.instance,
  'ec2:deregisterimage': ARN.image,
  'ec2:deletesnapshot': ARN.snapshot,
};

const SECURITY_GROUP_CHANGES = new Set(
  [
    'AuthorizeSecurityGroupIngress',
    'RevokeSecurityGroupIngress',
    'AuthorizeSecurityGroupEgress',
    'RevokeSecurityGroupEgress',
    'ModifySecurityGroupRules',
    'UpdateSecurityGroupRuleDescriptionsIngress',
    'UpdateSecurityGroupRuleDescriptionsEgress',
    'DeleteSecurityGroup',
  ].map((a) => `ec2:${a.toLowerCase()}`),
);

/** EC2 actions that accept TagSpecifications, i.e. can tag what they create in the same call. */
export const TAG_ON_CREATE = [
  'AllocateAddress',
  'AuthorizeSecurityGroupIngress',
  'CopyImage',
  'CreateImage',
  'CreateLaunchTemplate',
  'CreateSecurityGroup',
  'CreateSnapshot',
  'CreateSnapshots',
  'CreateVolume',
  'RunInstances',
] as const;

const lower = (action: string) => action.toLowerCase();
const TAG_ON_CREATE_WHY = 'Tag resources in the same call that creates them';
const managedTag = (prefix: string) => `aws:ResourceTag/${prefix}managed`;

/**
 * What a function needs because of what it declares: a function that creates resources tags
 * them in the same call, so it gets CreateTags limited to those create actions.
 */
export function impliedNeeds(declared: readonly IamNeed[]): IamNeed[] {
  const actions = new Set(declared.flatMap((n) => n.actions.map(lower)));
  const creates = TAG_ON_CREATE.filter((a) => actions.has(lower(`ec2:${a}`)));
  if (creates.length === 0) return [];
  return [
    {
      actions: ['ec2:CreateTags'],
      condition: { StringEquals: { 'ec2:CreateAction': [...creates] } },
      why: TAG_ON_CREATE_WHY,
    },
  ];
}

export function applyGuards(need: IamNeed, scope: GuardScope, warnings: string[], fn: FunctionName): Grant[] {
  const declared: Condition = need.condition ?? {};
  const resources = need.resources ?? ['*'];
  const grants: Grant[] = [];
  const plain: string[] = [];
  const grant = (actions: string[], res: string[], condition: Condition, why = need.why) =>
    grants.push({ actions, resources: res, condition, why });

  for (const action of need.actions) {
    const key = lower(action);
    const managedResource = MANAGED_ONLY[key];
    if (managedResource) {
      grant(
        [action],
        [managedResource],
        mergeConditions(declared, { StringEquals: { [managedTag(scope.tagPrefix)]: 'true' } }),
      );
    } else if (key === 'ec2:runinstances') {
      grants.push(...runInstances(action, declared, scope, need.why));
    } else if (key === 'ec2:createtags' || key === 'ec2:deletetags') {
      grants.push(tagging(action, resources, declared, scope, need.why, fn));
    } else if (SECURITY_GROUP_CHANGES.has(key)) {
      grants.push(...securityGroupChange(action, declared, scope, need.why, warnings, fn));
    } else if (key === 'ec2:allocateaddress') {
      // An address ec2ops allocates is managed from its first moment (tagged on create).
      grant(
        [action],
        [ARN.elasticIp],
        mergeConditions(declared, {
          StringEquals: { [`aws:RequestTag/${scope.tagPrefix}managed`]: 'true' },
          'ForAllValues:StringLike': { 'aws:TagKeys': `${scope.tagPrefix}*` },
        }),
      );
    } else if (key === 'ec2:releaseaddress') {
      grant(
        [action],
        resources.includes('*') ? [ARN.elasticIp] : resources,
        mergeConditions(declared, {
          StringNotEquals: { [`aws:ResourceTag/${scope.tagPrefix}keep`]: 'true' },
          ...(scope.eipScope === 'all' ? {} : { StringEquals: { [managedTag(scope.tagPrefix)]: 'true' } }),
        }),
      );
    } else if (key === 'ec2:associateaddress') {
      grants.push(...associateAddress(action, resources, declared, scope, need.why));
    } else if (key === 'ec2:createimage') {
      grants.push(...createImage(action, resources, declared, scope, need.why));
    } else if (key === 'iam:passrole') {
      const role = scope.launch?.instanceRole;
      if (role) grant([action], [`arn:aws:iam::*:role/${role}`], declared);
      else warnings.push(`${fn}: ${action} is not granted because the stage names no launch.instanceProfile`);
    } else if (key === 'ssm:getparameters' && scope.ssmParameters) {
      const names = scope.ssmParameters.map((n) => (n.startsWith('/') ? n : `/${n}`));
      grant(
        [action],
        names.map((n) => `arn:aws:ssm:*:*:parameter${n}`),
        declared,
      );
    } else {
      plain.push(action);
    }
  }
  if (plain.length) grant(plain, resources, declared);
  return grants;
}

/**
 * A declared condition applies to the instance only: keys such as `ec2:InstanceType` do not
 * exist on the volume, image or subnet, where they would make the launch fail. Each resource
 * type a launch touches gets its own statement, with the keys EC2 sets for that type.
 */
function runInstances(action: string, declared: Condition, scope: GuardScope, why: string): Grant[] {
  const p = scope.tagPrefix;
  const launch = scope.launch;
  const taggedOnCreate: Condition = {
    StringEquals: { [`aws:RequestTag/${p}managed`]: 'true' },
    'ForAllValues:StringLike': { 'aws:TagKeys': [`${p}*`, 'Name'] },
  };
  const instance: Condition = launch
    ? {
        StringEquals: { 'ec2:MetadataHttpTokens': 'required' },
        ...(launch.instanceProfile
          ? { ArnLike: { 'ec2:InstanceProfile': profileArn(launch.instanceProfile) } }
          : {}),
        ...(launch.instanceTypes.length ? { StringLike: { 'ec2:InstanceType': launch.instanceTypes } } : {}),
      }
    : {};
  const grant = (resources: string[], condition: Condition, what: string): Grant => ({
    actions: [action],
    resources,
    condition,
    why: `${why} (${what})`,
  });
  const ids = (list: string[] | undefined, arn: (id: string) => string) =>
    list?.length ? list.map(arn) : [arn('*')];
  const grants = [
    grant(
      [ARN.instance],
      mergeConditions(mergeConditions(declared, taggedOnCreate), instance),
      'the instance, tagged managed on create',
    ),
    grant(
      [ARN.volume],
      mergeConditions(taggedOnCreate, launch ? { Bool: { 'ec2:Encrypted': 'true' } } : {}),
      'its volumes, encrypted and tagged managed on create',
    ),
  ];
  if (launch) {
    grants.push(
      grant(
        [ARN.image],
        { StringEquals: { 'ec2:Owner': [...new Set(launch.imageOwners.map(ownerValue))] } },
        'images of the owners the stage trusts',
      ),
      grant(
        ids(launch.subnets, (id) => `${ANY}:subnet/${id}`),
        {},
        'subnets of the stage',
      ),
      grant(ids(launch.securityGroups, ARN.securityGroup), {}, 'security groups of the stage'),
      grant([ARN.networkInterface, ARN.keyPair], {}, 'the interface and key pair it uses'),
    );
  } else {
    grants.push(
      grant(
        [ARN.image, ARN.subnet, ARN.securityGroup('*'), ARN.networkInterface, ARN.keyPair],
        {},
        'the image, subnet, groups, interface and key pair it uses',
      ),
    );
  }
  return grants;
}

/** `ec2:Owner` holds an account id or `amazon`/`aws-marketplace`; `self` is the caller's account. */
function ownerValue(owner: string): string {
  // biome-ignore lint/suspicious/noTemplateCurlyInString: an IAM policy variable, resolved by IAM
  return owner === 'self' ? '${aws:PrincipalAccount}' : owner;
}

/** `ec2:InstanceProfile` is the profile's ARN; a name matches it in any account of the partition. */
function profileArn(profile: string): string {
  return profile.startsWith('arn:') ? profile : `arn:aws:iam::*:instance-profile/${profile}`;
}

/**
 * One grant for the resources a tag condition applies to, one for the rest: a call authorizes
 * several resource types, and a condition on a tag a type does not carry would deny it.
 */
function splitOnTagged(
  action: string,
  resources: string[],
  declared: Condition,
  why: string,
  split: { star: string[]; tagged: (arn: string) => boolean; guard: Condition; otherWhy?: string },
): Grant[] {
  const all = resources.includes('*') ? split.star : resources;
  const tagged = all.filter(split.tagged);
  const plain = all.filter((r) => !split.tagged(r));
  return [
    ...(tagged.length
      ? [{ actions: [action], resources: tagged, condition: mergeConditions(declared, split.guard), why }]
      : []),
    ...(plain.length
      ? [{ actions: [action], resources: plain, condition: declared, why: split.otherWhy ?? why }]
      : []),
  ];
}

/**
 * Images of managed instances only; a declaration that pins a tag of its own (bake=nightly) adds
 * to that, it does not replace it: ec2ops images nothing it does not manage.
 */
function createImage(
  action: string,
  resources: string[],
  declared: Condition,
  scope: GuardScope,
  why: string,
) {
  return splitOnTagged(action, resources, declared, why, {
    star: [ARN.instance, ARN.image, ARN.snapshot],
    tagged: (arn) => arn.includes(':instance/'),
    guard: { StringEquals: { [managedTag(scope.tagPrefix)]: 'true' } },
  });
}

/** Managed addresses onto managed instances; the interface carries no tags of its own. */
function associateAddress(
  action: string,
  resources: string[],
  declared: Condition,
  scope: GuardScope,
  why: string,
) {
  return splitOnTagged(action, resources, declared, why, {
    star: [ARN.elasticIp, ARN.instance, ARN.networkInterface],
    tagged: (arn) => arn.includes(':elastic-ip/') || arn.includes(':instance/'),
    guard: { StringEquals: { [managedTag(scope.tagPrefix)]: 'true' } },
    otherWhy: `${why} (its interface)`,
  });
}

function tagging(
  action: string,
  resources: string[],
  declared: Condition,
  scope: GuardScope,
  why: string,
  fn: FunctionName,
): Grant {
  const p = scope.tagPrefix;
  const createActions = conditionValues(declared, 'StringEquals', 'ec2:CreateAction');
  if (createActions) {
    if (lower(action) !== 'ec2:createtags') {
      throw new Error(
        `${fn}: ${action} cannot be limited to ec2:CreateAction (only CreateTags tags on create)`,
      );
    }
    const missing = createActions.filter((a) => !scope.functionActions.has(lower(`ec2:${a}`)));
    if (missing.length) {
      throw new Error(`${fn}: CreateTags on create of ${missing.join(', ')}, which ${fn} is not granted`);
    }
    // The implied grant (impliedNeeds) already allows tagging in every create action the
    // function runs; widening this one to the same list lets the two merge into one statement.
    const all = TAG_ON_CREATE.filter((a) => scope.functionActions.has(lower(`ec2:${a}`)));
    const widened = { ...declared, StringEquals: { ...declared.StringEquals, 'ec2:CreateAction': [...all] } };
    return resources.includes('*')
      ? { actions: [action], resources, condition: widened, why: TAG_ON_CREATE_WHY }
      : { actions: [action], resources, condition: declared, why };
  }
  const onManaged = conditionValues(declared, 'StringEquals', managedTag(p))?.includes('true') ?? false;
  const keys: Condition = {
    'ForAllValues:StringLike': { 'aws:TagKeys': `${p}*` },
    Null: { 'aws:TagKeys': 'false' },
    ...(onManaged ? {} : { 'ForAllValues:StringNotEquals': { 'aws:TagKeys': `${p}managed` } }),
  };
  return { actions: [action], resources, condition: mergeConditions(declared, keys), why };
}

function securityGroupChange(
  action: string,
  declared: Condition,
  scope: GuardScope,
  why: string,
  warnings: string[],
  fn: FunctionName,
): Grant[] {
  const { ids, tags } = scope.securityGroups;
  const grants: Grant[] = [];
  if (ids.length)
    grants.push({ actions: [action], resources: ids.map(ARN.securityGroup), condition: declared, why });
  const tagEntries = Object.entries(tags);
  if (tagEntries.length) {
    const byTag: Condition = {
      StringEquals: Object.fromEntries(tagEntries.map(([k, v]) => [`aws:ResourceTag/${k}`, v])),
    };
    grants.push({
      actions: [action],
      resources: [ARN.securityGroup('*')],
      condition: mergeConditions(declared, byTag),
      why,
    });
  }
  if (grants.length === 0) {
    warnings.push(`${fn}: ${action} is not granted because the stage allows no security groups`);
    return [];
  }
  // Rules are their own resource type when addressed by id or tagged on create; the group
  // grant above is still required, so this alone opens nothing. A new rule must carry the tags
  // the sweeper closes it by; an existing one may be changed only when ec2ops manages it.
  const p = scope.tagPrefix;
  const ruleCondition: Record<string, Condition> = {
    'ec2:authorizesecuritygroupingress': {
      StringEquals: { [`aws:RequestTag/${p}managed`]: 'true' },
      Null: { [`aws:RequestTag/${p}expires-at`]: 'false' },
    },
    'ec2:deletesecuritygroup': {},
  };
  if (lower(action) !== 'ec2:deletesecuritygroup') {
    grants.push({
      actions: [action],
      resources: [ARN.securityGroupRule],
      condition: ruleCondition[lower(action)] ?? { StringEquals: { [managedTag(p)]: 'true' } },
      why: `${why} (its rules)`,
    });
  }
  return grants;
}
