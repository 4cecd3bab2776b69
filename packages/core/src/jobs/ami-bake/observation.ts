/**
 * What the bake reads from EC2 in one region, as plain data (the functions package maps SDK
 * shapes to these). Times are ISO-8601 strings as EC2 returns them; tags are key → value.
 */
export type Tags = Record<string, string>;

export interface ObservedInstance {
  id: string;
  /** pending | running | stopping | stopped | shutting-down | terminated */
  state: string;
  imageId?: string;
  tags: Tags;
}

export interface ObservedImage {
  id: string;
  name?: string;
  /** pending | available | failed | invalid | error | deregistered | transient | disabled */
  state: string;
  creationDate?: string;
  stateReason?: string;
  tags: Tags;
  /** Snapshots named by the image's block-device mappings. */
  snapshotIds: string[];
  /** DescribeImages `DeregistrationProtection`: `enabled`, `enabled-with-cooldown`, `disabled-until …`, `disabled`. */
  deregistrationProtection?: string;
  /** DescribeImages `DeprecationTime` (ISO-8601), when the image has one. */
  deprecationTime?: string;
  /** DescribeImages `SourceImageRegion`: on a copy, the region it was copied from. */
  sourceImageRegion?: string;
}

export interface ObservedLaunchTemplateVersion {
  templateId: string;
  templateName?: string;
  version: number;
  imageId?: string;
}

/** An Auto Scaling launch configuration: it pins one image for every group that uses it. */
export interface ObservedLaunchConfiguration {
  name: string;
  imageId?: string | undefined;
}

/** An instance in another account of the stage's fleet, launched from one of this account's images. */
export interface ForeignImageUser {
  /** How reports name that account: `dev (111111111111)`. */
  account: string;
  instance: ObservedInstance;
}

export interface ObservedSnapshot {
  id: string;
  /** pending | completed | error | recoverable | recovering */
  state: string;
  volumeSizeGiB: number;
  startTime?: string;
  tags: Tags;
}

export interface AmiBakeObservation {
  region: string;
  /** Instances tagged for the nightly bake, in any state the describe returned. */
  targets: ObservedInstance[];
  /** Images owned by the account and tagged managed (with a source instance). */
  images: ObservedImage[];
  /** Instances in any state but terminated that use one of `images` (for "in use"). */
  imageUsers: ObservedInstance[];
  /** Every version of every launch template in the region. */
  launchTemplateVersions: ObservedLaunchTemplateVersion[];
  /** Snapshots owned by the account and tagged managed. */
  snapshots: ObservedSnapshot[];
  /** The region's Auto Scaling launch configurations; absent when not read. */
  launchConfigurations?: ObservedLaunchConfiguration[] | undefined;
  /** Instances of the fleet's other accounts that use one of `images`; absent without a fleet. */
  foreignImageUsers?: ForeignImageUser[] | undefined;
  /**
   * Users that could not be read (`instances in account prod (…)`, `launch configurations`): any
   * image of the region may be in use by them, so none is removed this run.
   */
  unreadableUsers?: string[] | undefined;
}
