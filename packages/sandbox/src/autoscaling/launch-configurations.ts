import { images } from '../ec2/model';
import { defineCollection, type RegionState } from '../ec2/store';

/**
 * Auto Scaling launch configurations, as botocore's autoscaling 2011-01-01 model shapes them:
 * what ec2ops needs to know is which image each names (a launch configuration pins its AMI,
 * so the bake's retention must not remove it). Kept per account and region beside EC2's state,
 * so they persist with it; no Auto Scaling groups are emulated, so none is ever in use.
 */
export interface LaunchConfigurationRecord {
  /** The name is the id: Auto Scaling names launch configurations uniquely per account and region. */
  id: string;
  imageId: string;
  instanceType: string;
  keyName?: string | undefined;
  securityGroups: string[];
  createdTime: number;
}

export const launchConfigurations = defineCollection<LaunchConfigurationRecord>('launchConfigurations');

export class AutoScalingError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'AutoScalingError';
  }
}

const validation = (message: string) => new AutoScalingError('ValidationError', message);
const NAME = /^[\u0020-\uD7FF\uE000-\uFFFD\r\n\t]{1,255}$/;
/** DescribeLaunchConfigurations: MaxRecords defaults to 50 and may be at most 100. */
export const DEFAULT_PAGE = 50;
export const MAX_PAGE = 100;

function listOf(params: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let i = 1; params.has(`${name}.member.${i}`); i++) out.push(params.get(`${name}.member.${i}`)!);
  return out;
}

function nameOf(params: URLSearchParams): string {
  const name = params.get('LaunchConfigurationName');
  if (name === null) {
    throw validation(
      "1 validation error detected: Value null at 'launchConfigurationName' failed to satisfy constraint: Member must not be null",
    );
  }
  if (!NAME.test(name)) {
    throw validation(
      `1 validation error detected: Value '${name.slice(0, 80)}' at 'launchConfigurationName' failed to satisfy constraint: Member must have length between 1 and 255`,
    );
  }
  return name;
}

export function createLaunchConfiguration(state: RegionState, params: URLSearchParams, now: number): void {
  const name = nameOf(params);
  const imageId = params.get('ImageId');
  const instanceType = params.get('InstanceType');
  // InstanceId (copy an instance's settings) is not emulated: ImageId and InstanceType are required.
  if (!imageId || !instanceType) {
    throw validation(
      'Valid requests must contain either the InstanceID parameter or both the ImageId and InstanceType parameters.',
    );
  }
  const all = launchConfigurations.in(state);
  if (all.has(name)) {
    throw new AutoScalingError(
      'AlreadyExists',
      `Launch Configuration by this name already exists - A launch configuration already exists with the name ${name}`,
    );
  }
  if (!images.in(state).has(imageId)) {
    throw validation(`The image id '[${imageId}]' does not exist`);
  }
  const keyName = params.get('KeyName') ?? undefined;
  all.set(name, {
    id: name,
    imageId,
    instanceType,
    keyName,
    securityGroups: listOf(params, 'SecurityGroups'),
    createdTime: now,
  });
}

export function deleteLaunchConfiguration(state: RegionState, params: URLSearchParams): void {
  const name = nameOf(params);
  if (!launchConfigurations.in(state).delete(name)) {
    throw validation(`Launch configuration name not found - Launch configuration ${name} not found`);
  }
}

/**
 * One page of launch configurations in name order; the token is the last name returned, so a
 * page stays correct while others are created or deleted between calls.
 */
export function describeLaunchConfigurations(
  state: RegionState,
  params: URLSearchParams,
): { page: LaunchConfigurationRecord[]; nextToken?: string } {
  const names = listOf(params, 'LaunchConfigurationNames');
  const max = params.get('MaxRecords');
  const size = max === null ? DEFAULT_PAGE : Number(max);
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) {
    throw validation(`MaxRecords must be between 1 and ${MAX_PAGE}`);
  }
  const token = params.get('NextToken');
  let after = '';
  if (token !== null) {
    try {
      after = Buffer.from(token, 'base64url').toString('utf8');
    } catch {
      after = '';
    }
    if (!after.startsWith('lc:')) throw new AutoScalingError('InvalidNextToken', 'The token is not valid.');
    after = after.slice(3);
  }
  const wanted = names.length ? new Set(names) : undefined;
  const all = [...launchConfigurations.in(state).values()]
    .filter((c) => !wanted || wanted.has(c.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .filter((c) => token === null || c.id > after);
  const page = all.slice(0, size);
  const more = all.length > size;
  return more ? { page, nextToken: Buffer.from(`lc:${page.at(-1)!.id}`).toString('base64url') } : { page };
}
