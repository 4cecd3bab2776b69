import { InputError } from '@ec2ops/core';
import { type InstanceView, looseInstanceReference, NOT_TERMINATED } from '@ec2ops/core/instances';
import type { ObservedImage } from '@ec2ops/core/jobs';
import type { EC2Client, Ec2Gateway } from '../../ec2/client';
import { awsErrorCode } from '../../ec2/errors';
import { describeImageOwnership } from '../../ec2/images';
import { lookupInstances, onlyInstance } from '../../ec2/instances';

/**
 * Lookups shared by the `/ec2 ami …` executors: an instance by id or Name, and an image by id,
 * across the stage's regions, refused with a clear message when absent or ambiguous.
 */
export interface Found<T> {
  region: string;
  client: EC2Client;
  value: T;
}

/** Live instances by id or Name; text that is not a well-formed id is looked up as a Name. */
export async function findInstances(ec2: Ec2Gateway, reference: string): Promise<Found<InstanceView>[]> {
  const found = await lookupInstances(ec2, looseInstanceReference(reference), NOT_TERMINATED);
  return found.map(({ region, client, instance }) => ({ region, client, value: instance }));
}

/** Exactly one instance, or an InputError that says what to type instead. */
export async function findOneInstance(ec2: Ec2Gateway, reference: string): Promise<Found<InstanceView>> {
  const found = await lookupInstances(ec2, looseInstanceReference(reference), NOT_TERMINATED);
  const { region, client, instance } = onlyInstance(found, reference, ec2.regions, {
    notFound: 'ami.instance-not-found',
    ambiguous: 'ami.instance-ambiguous',
    hint: 'Give an instance id (i-…) or the exact Name tag of a running or stopped instance.',
  });
  return { region, client, value: instance };
}

/** The image in whichever stage region has it; refused when absent or not the account's own. */
export async function findOwnImage(ec2: Ec2Gateway, imageId: string): Promise<Found<ObservedImage>> {
  let elsewhere = false;
  for (const region of ec2.regions) {
    const client = ec2.client(region);
    try {
      const found = await describeImageOwnership(client, imageId);
      if (found && 'own' in found) return { region, client, value: found.own };
      if (found) elsewhere = true;
    } catch (error) {
      if (awsErrorCode(error) === 'InvalidAMIID.NotFound') continue;
      if (awsErrorCode(error) === 'InvalidAMIID.Malformed') {
        throw new InputError('ami.image-malformed', `${imageId} is not an image id.`, {
          hint: 'Image ids look like ami-0123456789abcdef0.',
        });
      }
      throw error;
    }
  }
  if (elsewhere) {
    throw new InputError(
      'ami.image-not-owned',
      `${imageId} belongs to another account; only this account's images can be approved.`,
      {
        hint: 'Copy it into this account first (aws ec2 copy-image), then approve the copy.',
      },
    );
  }
  throw new InputError('ami.image-not-found', `No image ${imageId} in ${ec2.regions.join(', ')}.`, {
    hint: 'See `/ec2 ami list` for the images ec2ops knows.',
  });
}
