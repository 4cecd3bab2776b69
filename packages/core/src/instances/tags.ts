import { tagKeys } from '../tags';
/** The tags ec2ops reads and writes on instances (and their volumes), under the stage's prefix. */
export interface InstanceTagKeys {
  managed: string;
  owner: string;
  expiresAt: string;
  stage: string;
  requestId: string;
  keep: string;
  /** The alias the instance was launched as (`al2023`), for `/ec2 list`. */
  imageAlias: string;
  /** The `expires-at` value the owner was warned about: a new expiry means a new warning. */
  warnedFor: string;
  /** The request that last extended the expiry: a redelivered extend changes nothing. */
  extendedBy: string;
}

export function instanceTagKeys(prefix: string): InstanceTagKeys {
  return tagKeys(prefix, [
    'managed',
    'owner',
    'expiresAt',
    'stage',
    'requestId',
    'keep',
    'imageAlias',
    'warnedFor',
    'extendedBy',
  ]);
}

export type Tags = Record<string, string>;

/** Instance states that are neither gone nor going: what the reaper and access targets act on. */
export const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped'];
/** Every state but terminated: an instance a Name still names, or an image still serves. */
export const NOT_TERMINATED = [...LIVE_STATES, 'shutting-down'];

export const isManaged = (tags: Tags, keys: InstanceTagKeys) => tags[keys.managed] === 'true';
export const isKept = (tags: Tags, keys: InstanceTagKeys) => tags[keys.keep]?.toLowerCase() === 'true';

/** An instance as DescribeInstances reports it, reduced to what ec2ops shows and decides on. */
export interface InstanceView {
  id: string;
  region: string;
  /** pending | running | stopping | stopped | shutting-down | terminated */
  state: string;
  type?: string | undefined;
  imageId?: string | undefined;
  privateIp?: string | undefined;
  publicIp?: string | undefined;
  subnetId?: string | undefined;
  launchTime?: string | undefined;
  stateReason?: string | undefined;
  securityGroupIds?: string[] | undefined;
  tags: Tags;
}

export function instanceLabel(instance: Pick<InstanceView, 'id' | 'tags'>): string {
  const name = instance.tags['Name'];
  return name ? `${instance.id} (${name})` : instance.id;
}
