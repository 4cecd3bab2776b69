import { InputError } from '@ec2ops/core';
import { attachRefusal, instanceLabel, priceText } from '@ec2ops/core/eip';
import { type Address, eipTagKeys } from '@ec2ops/core/jobs';
import { context, type Message, section } from '@ec2ops/core/slack';
import { allocateAddress, associateAddress, describeAddresses, releaseAddress } from '../../ec2/addresses';
import type { EC2Client } from '../../ec2/client';
import { awsErrorCode } from '../../ec2/errors';
import type { CommandExecutor } from '../context';
import { type AttachInstance, findAttachInstance } from './eip-find';

/** EC2 errors after which the instance cannot take the address: give the new address back. */
const INSTANCE_CANNOT_TAKE = new Set(['IncorrectInstanceState', 'InvalidInstanceID.NotFound']);

function addressesWhere(client: EC2Client, name: string, value: string): Promise<Address[]> {
  return describeAddresses(client, [{ Name: name, Values: [value] }]);
}

/** Gives back an address this request allocated and could not use; cleanup would find it anyway. */
async function giveBack(client: EC2Client, address: Address): Promise<void> {
  try {
    await releaseAddress(client, address.allocationId!);
  } catch {
    // Tagged managed and idle: the hourly cleanup releases it after the grace period.
  }
}

function attached(input: {
  address: Address;
  instance: AttachInstance;
  region: string;
  pricePerHour: number;
  grace: string;
  requestId: string;
  again: boolean;
}): Message {
  const { address, instance } = input;
  const what = `*${address.publicIp}* (\`${address.allocationId}\`)`;
  const text = input.again
    ? `${what} is already attached to ${instanceLabel(instance)} in ${input.region} for this request.`
    : `Attached ${what} to ${instanceLabel(instance)} in ${input.region}: a fixed public IP that stays through stop and start.`;
  const notes = [
    ...(instance.publicIp && instance.publicIp !== address.publicIp && !input.again
      ? [`It replaces the instance's previous public IP ${instance.publicIp}.`]
      : []),
    `When it is no longer associated (say the instance is terminated), ec2ops cleanup releases it after ${input.grace} idle; \`/ec2 eip release ${address.allocationId}\` does it sooner once it is unassociated. Request ${input.requestId}.`,
  ];
  return {
    text: `${text} Cost: ${priceText(input.pricePerHour)} while it exists, attached or not.`,
    blocks: [
      ...section(text),
      ...section(`:moneybag: Cost: ${priceText(input.pricePerHour)} while it exists, attached or not.`),
      ...context(...notes),
    ],
  };
}

/**
 * `/ec2 eip attach <instance-id|Name>`: allocates a new address tagged managed, owner and the
 * request's token, and associates it. AllocateAddress takes no ClientToken, so a redelivered
 * request first looks for the address tagged with its token and finishes with that one.
 */
export const eipAttach: CommandExecutor<'eip attach'> = async ({
  request,
  config,
  ec2,
  idempotencyToken,
}) => {
  const keys = eipTagKeys(config.tagPrefix);
  // The same key `/ec2 ami bake` tags its images with.
  const requestKey = `${config.tagPrefix}request-id`;
  const { region, client, instance } = await findAttachInstance(ec2, request.args.instance);
  const token = idempotencyToken('eip-attach');
  const message = (address: Address, again: boolean) =>
    attached({
      address,
      instance,
      region,
      pricePerHour: config.eip.pricePerHour,
      grace: config.eip.grace,
      requestId: request.id,
      again,
    });

  let address = (await addressesWhere(client, `tag:${requestKey}`, token))[0];
  if (address?.instanceId === instance.id) return message(address, true);
  const refusal = attachRefusal(instance, request.user, keys);
  if (refusal) {
    if (address) await giveBack(client, address);
    throw refusal;
  }
  if (!address) {
    const existing = await addressesWhere(client, 'instance-id', instance.id);
    if (existing.length) {
      const list = existing
        .map(
          (a) =>
            `${a.publicIp} (${a.allocationId}${a.tags[keys.managed] === 'true' ? ', an ec2ops address' : ', not managed by ec2ops'})`,
        )
        .join(', ');
      throw new InputError(
        'eip.instance-has-address',
        `${instanceLabel(instance)} already has Elastic IP ${list}: no new address allocated.`,
        { hint: 'An instance takes one Elastic IP on its primary interface; `/ec2 eip list` shows them.' },
      );
    }
    address = await allocateAddress(client, {
      [keys.managed]: 'true',
      [keys.owner]: request.user.id,
      [requestKey]: token,
    });
  }
  try {
    await associateAddress(client, address.allocationId!, instance.id);
  } catch (error) {
    // Whatever went wrong, the new address is not attached: give it back rather than leave a
    // billed, idle address behind (a retry allocates again, or finds this one by its tag).
    await giveBack(client, address);
    const code = awsErrorCode(error);
    if (code === 'Gateway.NotAttached') {
      throw new InputError(
        'eip.no-internet-gateway',
        `${instanceLabel(instance)} is in a VPC without an internet gateway, so it cannot take a public address: nothing attached, the new address was given back.`,
        { cause: error, hint: 'Attach an internet gateway to its VPC first.' },
      );
    }
    if (!INSTANCE_CANNOT_TAKE.has(code)) throw error;
    throw new InputError(
      'eip.instance-state',
      `${instanceLabel(instance)} cannot take an address now (${code}): nothing attached, the new address was given back.`,
      { cause: error, hint: 'Try again once the instance is running or stopped.' },
    );
  }
  return message(address, false);
};
