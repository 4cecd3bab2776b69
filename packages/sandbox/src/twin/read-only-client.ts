import {
  DescribeAddressesCommand,
  type DescribeAddressesCommandInput,
  type DescribeAddressesCommandOutput,
  DescribeImagesCommand,
  type DescribeImagesCommandInput,
  type DescribeImagesCommandOutput,
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  type DescribeInstancesCommandOutput,
  DescribeLaunchTemplatesCommand,
  type DescribeLaunchTemplatesCommandInput,
  type DescribeLaunchTemplatesCommandOutput,
  DescribeLaunchTemplateVersionsCommand,
  type DescribeLaunchTemplateVersionsCommandInput,
  type DescribeLaunchTemplateVersionsCommandOutput,
  DescribeSecurityGroupRulesCommand,
  type DescribeSecurityGroupRulesCommandInput,
  type DescribeSecurityGroupRulesCommandOutput,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandInput,
  type DescribeSecurityGroupsCommandOutput,
  DescribeSnapshotsCommand,
  type DescribeSnapshotsCommandInput,
  type DescribeSnapshotsCommandOutput,
  DescribeSubnetsCommand,
  type DescribeSubnetsCommandInput,
  type DescribeSubnetsCommandOutput,
  DescribeVolumesCommand,
  type DescribeVolumesCommandInput,
  type DescribeVolumesCommandOutput,
  DescribeVpcsCommand,
  type DescribeVpcsCommandInput,
  type DescribeVpcsCommandOutput,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { Ec2opsError } from '@ec2ops/core/errors';
import type { TwinReadAction } from '@ec2ops/core/iam';

/**
 * The only way the twin import reaches an account. It is not an EC2Client: callers name an
 * action of READ_ACTIONS and pass its input, and the command is built here from that table, so
 * a mutating command cannot even be written against it (the action name would not type-check),
 * and a name smuggled in at run time is refused before anything is sent.
 */
interface ReadActions {
  DescribeAddresses: [DescribeAddressesCommandInput, DescribeAddressesCommandOutput];
  DescribeImages: [DescribeImagesCommandInput, DescribeImagesCommandOutput];
  DescribeInstances: [DescribeInstancesCommandInput, DescribeInstancesCommandOutput];
  DescribeLaunchTemplates: [DescribeLaunchTemplatesCommandInput, DescribeLaunchTemplatesCommandOutput];
  DescribeLaunchTemplateVersions: [
    DescribeLaunchTemplateVersionsCommandInput,
    DescribeLaunchTemplateVersionsCommandOutput,
  ];
  DescribeSecurityGroupRules: [
    DescribeSecurityGroupRulesCommandInput,
    DescribeSecurityGroupRulesCommandOutput,
  ];
  DescribeSecurityGroups: [DescribeSecurityGroupsCommandInput, DescribeSecurityGroupsCommandOutput];
  DescribeSnapshots: [DescribeSnapshotsCommandInput, DescribeSnapshotsCommandOutput];
  DescribeSubnets: [DescribeSubnetsCommandInput, DescribeSubnetsCommandOutput];
  DescribeVolumes: [DescribeVolumesCommandInput, DescribeVolumesCommandOutput];
  DescribeVpcs: [DescribeVpcsCommandInput, DescribeVpcsCommandOutput];
}

export type ReadAction = keyof ReadActions;

// biome-ignore lint/suspicious/noExplicitAny: each entry is checked against ReadActions below
type CommandClass = new (input: any) => any;

// Keyed by core's list, so the Forecast function's policy (core/iam/forecast.ts) names exactly
// the actions this client can send: one missing or extra on either side does not type-check.
const READ_ACTIONS: Record<ReadAction & TwinReadAction, CommandClass> & Record<TwinReadAction, CommandClass> =
  {
    DescribeAddresses: DescribeAddressesCommand,
    DescribeImages: DescribeImagesCommand,
    DescribeInstances: DescribeInstancesCommand,
    DescribeLaunchTemplates: DescribeLaunchTemplatesCommand,
    DescribeLaunchTemplateVersions: DescribeLaunchTemplateVersionsCommand,
    DescribeSecurityGroupRules: DescribeSecurityGroupRulesCommand,
    DescribeSecurityGroups: DescribeSecurityGroupsCommand,
    DescribeSnapshots: DescribeSnapshotsCommand,
    DescribeSubnets: DescribeSubnetsCommand,
    DescribeVolumes: DescribeVolumesCommand,
    DescribeVpcs: DescribeVpcsCommand,
  };

/** Read-only by name, as IAM reads it: the prefixes of actions that change nothing. */
const READ_ONLY_NAME = /^(Describe|Get|List)[A-Z]/;

/** A call the read-only client refuses: only a bug (or a cast) can cause it. */
export class MutatingCallError extends Ec2opsError {
  constructor(action: string) {
    super('twin.mutating-call', `The twin import refused to send ${action}: it only reads.`, {
      hint: 'Only Describe*, Get* and List* actions listed in twin/read-only-client.ts may be sent.',
    });
  }
}

export interface ReadOnlyEc2 {
  readonly region: string;
  call<A extends ReadAction>(action: A, input: ReadActions[A][0]): Promise<ReadActions[A][1]>;
  /** Calls sent so far, by action. */
  readonly calls: Record<string, number>;
}

export function readOnlyEc2(client: EC2Client, region: string): ReadOnlyEc2 {
  const calls: Record<string, number> = {};
  return {
    region,
    calls,
    async call(action, input) {
      const Command = Object.hasOwn(READ_ACTIONS, action) ? READ_ACTIONS[action] : undefined;
      if (!Command || !READ_ONLY_NAME.test(action)) throw new MutatingCallError(String(action));
      calls[action] = (calls[action] ?? 0) + 1;
      return client.send(new Command(input));
    },
  };
}

/** Every page of a paginated read, with the largest page size the action accepts. */
export async function* pages<A extends ReadAction>(
  ec2: ReadOnlyEc2,
  action: A,
  input: ReadActions[A][0] & { NextToken?: string },
): AsyncGenerator<ReadActions[A][1]> {
  let token: string | undefined;
  do {
    const page = (await ec2.call(action, {
      ...input,
      ...(token ? { NextToken: token } : {}),
    })) as ReadActions[A][1] & {
      NextToken?: string;
    };
    yield page;
    token = page.NextToken || undefined;
  } while (token);
}
