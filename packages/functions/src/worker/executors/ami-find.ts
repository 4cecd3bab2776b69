import { DescribeImagesCommand, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import { InputError } from '@ec2ops/core';
import type { ObservedInstance } from '@ec2ops/core/jobs/ami-bake/observation';
import { describeInstances } from '../../jobs/ami-bake-ec2';
import { awsErrorCode } from '../../jobs/aws-errors';
import type { Ec2Gateway } from '../context';

/**
 * Lookups shared by the `/ec2 ami …` executors: an instance by id or Name, and an image by id,
 * across the stage's regions, refused with a clear message when absent or ambiguous.
 */
const INSTANCE_ID = /^i-([0-9a-f]{8}|[0-9a-f]{17})$/;
const LIVE = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

export interface Found<T> {
  region: string;
  client: EC2Client;
  value: T;
}

export async function findInstances(ec2: Ec2Gateway, reference: string): Promise<Found<ObservedInstance>[]> {
  const filters = INSTANCE_ID.test(reference)
    ? [{ Name: 'instance-id', Values: [reference] }]
    : [{ Name: 'tag:Name', Values: [reference] }];
  const found: Found<ObservedInstance>[] = [];
  for (const region of ec2.regions) {
    const client = ec2.client(region);
    const list = await describeInstances(client, [...filters, { Name: 'instance-state-name', Values: LIVE }]);
    for (const value of list) found.push({ region, client, value });
  }
  return found;
}

/** Exactly one instance, or an InputError that says what to type instead. */
export async function findOneInstance(ec2: Ec2Gateway, reference: string): Promise<Found<ObservedInstance>> {
  const found = await findInstances(ec2, reference);
  if (found.length === 0) {
    throw new InputError('ami.instance-not-found', `No instance ${reference} in ${ec2.regions.join(', ')}.`, {
      hint: 'Give an instance id (i-…) or the exact Name tag of a running or stopped instance.',
    });
  }
  if (found.length > 1) {
    const ids = found.map((f) => `${f.value.id} (${f.region})`).join(', ');
    throw new InputError(
      'ami.instance-ambiguous',
      `${found.length} instances are named ${reference}: ${ids}.`,
      {
        hint: 'Give the instance id instead.',
      },
    );
  }
  return found[0]!;
}

/** The image in whichever stage region has it; refused when absent or not the account's own. */
export async function findOwnImage(ec2: Ec2Gateway, imageId: string): Promise<Found<Image>> {
  let elsewhere = false;
  for (const region of ec2.regions) {
    const client = ec2.client(region);
    try {
      const own = await client.send(new DescribeImagesCommand({ ImageIds: [imageId], Owners: ['self'] }));
      const image = own.Images?.find((i) => i.ImageId === imageId);
      if (image) return { region, client, value: image };
      const any = await client.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
      if (any.Images?.some((i) => i.ImageId === imageId)) elsewhere = true;
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
