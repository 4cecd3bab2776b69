import { ALLOCATION_ID } from '../aws-ids';
import { type Role, roleAtLeast } from '../config/roles';
import { ForbiddenError, InputError } from '../errors';
import { type Address, type EipTagKeys, isAssociated } from '../jobs/eip-cleanup/plan';
import { HOURS_PER_MONTH } from '../jobs/eip-cleanup/summary';

/**
 * What the `/ec2 eip …` commands may do to an address or an instance, as pure rules: the
 * executor calls them once before asking for confirmation and again on the re-read right
 * before it acts, so what a person confirmed is what is checked.
 */

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
export const IPV4 = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
/** An allocation id or a dotted IPv4 address: what `eip release|keep|unkeep` accept. */
export const ADDRESS_REF = new RegExp(`${ALLOCATION_ID.source}|${IPV4.source}`);
export const ADDRESS_REF_HELP = 'an allocation id such as eipalloc-0123456789abcdef0, or an IPv4 address';

export type AddressRef = { allocationId: string } | { publicIp: string };

export function addressRef(text: string): AddressRef {
  if (ALLOCATION_ID.test(text)) return { allocationId: text };
  if (IPV4.test(text)) return { publicIp: text };
  throw new InputError('eip.malformed', `${text} is neither an allocation id nor an IPv4 address.`, {
    hint: 'Give the allocation id (eipalloc-…) or the public IP, as `/ec2 eip list` shows them.',
  });
}

export interface Requester {
  id: string;
  role: Role;
}

export function isKept(address: Address, keys: EipTagKeys): boolean {
  return address.tags[keys.keep]?.toLowerCase() === 'true';
}

export function addressLabel(address: Address, region: string): string {
  return `${address.publicIp ?? '(no ip)'} (${address.allocationId ?? 'no allocation id'}, ${region})`;
}

/** US dollars a month one public IPv4 address costs at the configured hourly price. */
export function monthlyCost(pricePerHour: number): number {
  return pricePerHour * HOURS_PER_MONTH;
}

export function usd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}

/** `$0.005/hour ≈ $3.65/month`: the price of one address, as the attach notice and list say it. */
export function priceText(pricePerHour: number): string {
  return `$${Number(pricePerHour.toFixed(6))}/hour ≈ ${usd(monthlyCost(pricePerHour))}/month`;
}

/**
 * Why this person may not release this address now, or undefined. Releasing gives the IP back
 * to AWS for good (whatever DNS points at it breaks), so it is refused when the address is in
 * use or kept, and allowed only to its owner (tag) or an admin.
 */
export function releaseRefusal(
  address: Address,
  region: string,
  user: Requester,
  keys: EipTagKeys,
): InputError | ForbiddenError | undefined {
  const label = addressLabel(address, region);
  if (!address.allocationId) {
    return new InputError(
      'eip.classic',
      `${label} has no allocation id; ec2ops releases VPC addresses only.`,
      { hint: 'Release it with the AWS console or CLI (aws ec2 release-address --public-ip …).' },
    );
  }
  if (isAssociated(address)) {
    const to = address.instanceId ?? address.networkInterfaceId ?? address.associationId;
    return new InputError('eip.associated', `${label} is associated with ${to}: not released.`, {
      hint: 'ec2ops never releases an address in use. Disassociate it first (or terminate the instance), then release it.',
    });
  }
  if (isKept(address, keys)) {
    return new InputError('eip.kept', `${label} is tagged ${keys.keep}=true: not released.`, {
      hint: `An admin can remove the mark with \`/ec2 eip unkeep ${address.allocationId}\` first.`,
    });
  }
  const owner = address.tags[keys.owner];
  if (roleAtLeast(user.role, 'admin') || (owner !== undefined && owner === user.id)) return undefined;
  return new ForbiddenError(
    'eip.not-yours',
    owner
      ? `${label} belongs to <@${owner}>: only the owner or an admin can release it. Nothing was released.`
      : `${label} has no ${keys.owner} tag: only an admin can release it. Nothing was released.`,
    { hint: 'Ask the owner or an admin; idle ec2ops addresses are also released by the hourly cleanup.' },
  );
}

/** An instance as the attach command sees it. */
export interface AttachTarget {
  id: string;
  state: string;
  tags: Record<string, string>;
}

export function instanceLabel(instance: AttachTarget): string {
  const name = instance.tags['Name'];
  return name ? `${instance.id} (${name})` : instance.id;
}

/**
 * Why this person may not attach a new address to this instance, or undefined: owners may on
 * their own managed instances, admins on any managed one; only a running or stopped one can take
 * it. Nobody attaches to an instance ec2ops does not manage: the deployed policy allows
 * AssociateAddress only on managed instances, so an admin exception would promise what AWS refuses.
 */
export function attachRefusal(
  instance: AttachTarget,
  user: Requester,
  keys: EipTagKeys,
): InputError | ForbiddenError | undefined {
  const label = instanceLabel(instance);
  if (instance.state === 'terminated' || instance.state === 'shutting-down') {
    return new InputError('eip.instance-terminated', `${label} is ${instance.state}: nothing to attach to.`, {
      hint: 'Give a running or stopped instance; `/ec2 list` shows them.',
    });
  }
  const admin = roleAtLeast(user.role, 'admin');
  if (instance.tags[keys.managed] !== 'true') {
    return new ForbiddenError(
      'eip.instance-not-managed',
      `${label} is not managed by ec2ops (no ${keys.managed}=true): no address attached, whoever asks.`,
      {
        hint: 'Addresses go to instances launched with `/ec2 launch`; attach others with your own AWS tooling.',
      },
    );
  }
  const owner = instance.tags[keys.owner];
  if (!admin && owner !== user.id) {
    return new ForbiddenError(
      'eip.instance-not-yours',
      owner
        ? `${label} belongs to <@${owner}>: only the owner or an admin can attach an address to it.`
        : `${label} has no ${keys.owner} tag: only an admin can attach an address to it.`,
      { hint: 'Ask the owner or an admin.' },
    );
  }
  if (instance.state !== 'running' && instance.state !== 'stopped') {
    return new InputError(
      'eip.instance-state',
      `${label} is ${instance.state}; an address can be attached to a running or stopped instance.`,
      { hint: 'Try again in a minute.' },
    );
  }
  return undefined;
}
