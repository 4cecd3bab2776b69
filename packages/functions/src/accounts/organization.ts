import { DescribeOrganizationCommand, type OrganizationsClient } from '@aws-sdk/client-organizations';
import { InputError } from '@ec2ops/core';
import { expandShareTarget, isShareShorthand, type OrganizationFacts } from '@ec2ops/core/commands';

/**
 * The organisation the hub account is in, read once with Organizations DescribeOrganization, to
 * expand the `org` / `ou-…` share shorthands into the ARNs EC2's launch permissions take.
 */
export type OrganizationLookup = () => Promise<OrganizationFacts | undefined>;

/** Undefined when the account is in no organisation; an organisation, once read, is kept. */
export function organizationLookup(client: () => OrganizationsClient): OrganizationLookup {
  let known: Promise<OrganizationFacts | undefined> | undefined;
  return () => {
    known ??= client()
      .send(new DescribeOrganizationCommand({}))
      .then(
        ({ Organization: o }) => {
          if (o?.Id && o.Arn && o.MasterAccountId) {
            return { id: o.Id, arn: o.Arn, managementAccountId: o.MasterAccountId };
          }
          known = undefined;
          return undefined;
        },
        (error: { name?: string }) => {
          // Only an organisation is kept: the account may join one, and a failure is asked again.
          known = undefined;
          if (error?.name === 'AWSOrganizationsNotInUseException') return undefined;
          throw error;
        },
      );
    return known;
  };
}

/** Share targets as EC2 names them: shorthands expanded, anything else as given. */
export async function resolveShareTargets(
  targets: readonly string[],
  lookup: OrganizationLookup | undefined,
): Promise<string[]> {
  const shorthand = targets.find(isShareShorthand);
  if (!shorthand) return [...targets];
  const org = lookup ? await lookup() : undefined;
  if (!org) {
    throw new InputError(
      'ami.not-in-organization',
      `${shorthand} names this account's AWS organization, but ${lookup ? 'the account is not in one' : 'this deployment cannot read it'}.`,
      { hint: 'Share with a 12-digit account id, or with the full OU / organization ARN.' },
    );
  }
  return targets.map((t) => expandShareTarget(t, org));
}
