import { InputError } from '@ec2ops/core';
import { addressLabel, monthlyCost, releaseRefusal, usd } from '@ec2ops/core/eip';
import { eipTagKeys } from '@ec2ops/core/jobs';
import { actionId, actions, button, confirmDialog, context, type Message, section } from '@ec2ops/core/slack';
import { describeOne, releaseAddress } from '../../ec2/addresses';
import { awsErrorCode, isNotFound } from '../../ec2/errors';
import type { CommandExecutor } from '../context';
import { findAddress, notFound } from './eip-find';

const released = (what: string, regions: readonly string[], surely: boolean): Message => {
  const text = `${what} is not in ${regions.join(', ')} any more: it was already released${surely ? '' : ' (or never existed)'}. Nothing to do.`;
  return { text, blocks: section(text) };
};

/** EC2's refusals, said as what the person can do about them. */
function explain(error: unknown, label: string, allocationId: string, region: string): Error {
  switch (awsErrorCode(error)) {
    case 'InvalidAddress.PtrSet':
      return new InputError('eip.ptr-set', `${label} has a reverse-DNS (PTR) record: not released.`, {
        cause: error,
        hint: `Remove the record (aws ec2 reset-address-attribute --allocation-id ${allocationId} --region ${region} --attribute domain-name), then release it again.`,
      });
    case 'InvalidAddress.Locked':
      return new InputError('eip.locked', `${label} is locked to this account by AWS: not released.`, {
        cause: error,
        hint: 'Ask AWS Support to unlock it; or an admin can `/ec2 eip keep` it so cleanup stops trying.',
      });
    case 'InvalidIPAddress.InUse':
      return new InputError('eip.associated', `EC2 says ${label} is in use: not released.`, {
        cause: error,
        hint: 'Disassociate it first, then release it.',
      });
    default:
      return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * `/ec2 eip release <allocation-id|ip> [confirm=yes]`: asks first (a button with a confirmation
 * dialog), then re-reads the address and releases it only if it is still unassociated, not kept
 * and the requester's (or they are an admin). In the default VPC, EC2 would silently disassociate
 * an associated address instead of refusing, so the re-read is what keeps an address in use.
 */
export const eipRelease: CommandExecutor<'eip release'> = async ({ request, config, ec2 }) => {
  const keys = eipTagKeys(config.tagPrefix);
  const reference = request.args.address;
  const confirmed = request.args.confirm === true;
  const found = await findAddress(ec2, reference);
  if (!found) {
    // A confirmed release of an address that is gone: a second click, a redelivery, or the cleanup.
    if (confirmed) return released(reference, ec2.regions, false);
    throw notFound(reference, ec2);
  }
  const { region, client, address } = found;
  const refusal = releaseRefusal(address, region, request.user, keys);
  if (refusal) throw refusal;
  const allocationId = address.allocationId!;
  const label = addressLabel(address, region);
  const saves = `${usd(monthlyCost(config.eip.pricePerHour))}/month`;

  if (!confirmed) {
    const idleSince = address.tags[keys.idleSince];
    const text =
      `Release ${label}${idleSince ? `, unassociated since ${idleSince}` : ''}? ` +
      'The IP goes back to AWS for good: anything still pointing at it (DNS, allow-lists) breaks, ' +
      `and it cannot be got back. It saves ${saves}.`;
    return {
      text,
      blocks: [
        ...section(text),
        ...actions([
          button('Release', actionId('run', `eip-release-${allocationId}`), {
            // In a member account, the click acts in the same account and region (issue 15).
            value: `eip release ${allocationId} confirm=yes${request.account ? ` account=${request.account} region=${region}` : ''}`,
            style: 'danger',
            confirm: confirmDialog(
              'Release this address?',
              `Release ${address.publicIp} (${allocationId}) for good?`,
              'Release',
              'Cancel',
              true,
            ),
          }),
        ]),
      ],
    };
  }

  // Re-read right before releasing: it may have been associated or kept since the question.
  const fresh = await describeOne(client, allocationId);
  if (!fresh) return released(label, ec2.regions, true);
  const now = releaseRefusal(fresh, region, request.user, keys);
  if (now) throw now;
  try {
    await releaseAddress(client, allocationId, { region, networkBorderGroup: fresh.networkBorderGroup });
  } catch (error) {
    if (isNotFound(error)) return released(label, ec2.regions, true);
    throw explain(error, label, allocationId, region);
  }
  const text = `Released ${label}: it no longer costs ${saves}.`;
  return { text, blocks: [...section(text), ...context(`Request ${request.id}.`)] };
};
