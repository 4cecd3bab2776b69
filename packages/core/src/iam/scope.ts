import type { FunctionName } from '../capability';
import type { Condition } from './conditions';

// The words policy.ts and guards.ts share, on a floor below both: policy.ts calls the guards,
// so the guards must not import policy.ts back.

/** What a stage allows beyond the declarations. */
export interface PolicyScope {
  tagPrefix: string;
  /** Every grant is limited to these regions (`aws:RequestedRegion`). */
  regions: string[];
  /** Regions a function reaches besides `regions` (the ami-bake job's `bake.copyTo` DR regions). */
  extraRegions?: Partial<Record<FunctionName, string[]>>;
  /** Security groups whose ingress rules ec2ops may change; nothing else. */
  securityGroups: { ids: string[]; tags: Record<string, string> };
  /** What a launch may use; without it RunInstances and PassRole keep only the tag guards. */
  launch?: LaunchScope;
  /** `eip.scope`: `managed` lets ec2ops release only addresses it tagged managed. */
  eipScope?: 'managed' | 'all';
  /** SSM parameter names (`/aws/service/…`, `*` allowed) that launch templates may resolve images from. */
  ssmParameters?: string[];
}

/** The stage's launch settings, as RunInstances and iam:PassRole conditions. */
export interface LaunchScope {
  /** The role inside the stage's instance profile: the only role PassRole names. None: no PassRole. */
  instanceRole?: string;
  /** Instance profile name (or ARN) every launch carries (`ec2:InstanceProfile`). */
  instanceProfile?: string;
  /** Subnet ids launches may use; empty: any (EC2's default subnet). */
  subnets: string[];
  /** Security group ids launches carry; empty: any (the VPC's default group). */
  securityGroups: string[];
  /** Image owners (`amazon`, `self`, an account id) launches may use (`ec2:Owner`). */
  imageOwners: string[];
  /** `ec2:InstanceType` patterns (`t3.*`); empty: any. */
  instanceTypes: string[];
}

/** One need after `{tagPrefix}` substitution and guards, still carrying its reason. */
export interface Grant {
  actions: string[];
  resources: string[];
  condition: Condition;
  why: string;
}
