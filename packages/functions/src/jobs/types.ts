import type { RbinClient } from '@aws-sdk/client-rbin';
import type { StageConfig } from '@ec2ops/core';
import type {
  ItemResult,
  JobName,
  JobProgress,
  MoneyFigure,
  RegionPlan,
  ReportSection,
} from '@ec2ops/core/jobs';
import type { Fleet } from '../accounts/clients';
import type { OrganizationLookup } from '../accounts/organization';
import type { AutoScalingFor } from '../autoscaling/launch-configurations';
import type { JobCoordination } from '../coordination/job-lease';
import type { EC2Client } from '../ec2/client';
import type { Clock } from '../root';
import type { OutgoingMessage } from '../slack-notifier';
import type { Logger } from '../telemetry/log';

export type NotifierMessage = OutgoingMessage;

/** Where job reports and owner warnings go: the functions' one SlackNotifier, or a test's fake. */
export interface Notifier {
  post(channel: string, message: NotifierMessage): Promise<unknown>;
  dm(user: string, message: NotifierMessage): Promise<void>;
}

/** What one region's plan and apply steps get. */
export interface RegionContext {
  region: string;
  ec2: EC2Client;
  /** Another region's client (ami-bake's copies to `bake.copyTo`); unset: only `ec2`'s region is reachable. */
  ec2For?: ((region: string) => EC2Client) | undefined;
  /** The Recycle Bin client of a region (ami-bake says until when a deletion is recoverable). */
  rbin?: ((region: string) => RbinClient) | undefined;
  /** The Auto Scaling client beside an EC2 client (ami-bake: launch configurations pin images). */
  autoScaling?: AutoScalingFor | undefined;
  /** The stage's accounts when it has several (ami-bake: their instances may use this account's images). */
  fleet?: Fleet | undefined;
  /** The hub's AWS organisation (ami-bake: `org` / `ou-…` in bake.shareWith); absent: they are refused. */
  organization?: OrganizationLookup | undefined;
  config: StageConfig;
  now: Date;
  dryRun: boolean;
  log: Logger;
  notifier: Notifier | undefined;
  /**
   * Wall-clock instant (epoch ms) after which apply should start nothing new: what is left is
   * reported as skipped and the next run does it (state lives in tags). Undefined: no limit.
   */
  deadline?: number | undefined;
  /** See RunJobDeps.pacing. */
  pacing?: Pacing | undefined;
  /** Apply calls it with the number of items just finished (progress on a terminal). */
  progress?: ((finished: number) => void) | undefined;
}

/** A client-side token bucket for bulk mutating calls: `burst` at once, then `perSecond`. */
export interface Pacing {
  burst: number;
  perSecond: number;
}

export interface SummaryInput<D> {
  config: StageConfig;
  now: Date;
  dryRun: boolean;
  plans: RegionPlan<D>[];
  results: ItemResult[];
}

/**
 * What a job supplies to the generic runner. `plan` describes and calls the job's pure planner;
 * `apply` acts on every item and returns one result per item, never throwing for one item's
 * failure (use `settle` from ./apply-helpers). `summarize` adds money figures and sections.
 */
export interface JobImplementation<D = unknown> {
  name: JobName;
  plan(ctx: RegionContext): Promise<RegionPlan<D>>;
  apply(ctx: RegionContext, plan: RegionPlan<D>): Promise<ItemResult[]>;
  summarize?(input: SummaryInput<D>): { money?: MoneyFigure[]; sections?: ReportSection[] };
}

export interface RunJobDeps {
  /** The EC2 client of a region, built once by the composition root. */
  ec2: (region: string) => EC2Client;
  /** The Recycle Bin client of a region; without it reports cannot say what is recoverable. */
  rbin?: ((region: string) => RbinClient) | undefined;
  /** See RegionContext.autoScaling. */
  autoScaling?: AutoScalingFor | undefined;
  /** See RegionContext.fleet; a fleet run's shards get the fleet they belong to. */
  fleet?: Fleet | undefined;
  /** See RegionContext.organization. */
  organization?: OrganizationLookup | undefined;
  notifier?: Notifier | undefined;
  config: StageConfig;
  now: Date;
  dryRun: boolean;
  /** Times the run (startedAt/finishedAt); the system clock when unset. */
  clock?: Clock | undefined;
  /** Defaults to the stage's configured regions. */
  regions?: string[] | undefined;
  log?: Logger | undefined;
  /** Regions planned/applied at the same time (default 3). */
  concurrency?: number | undefined;
  /** See RegionContext.deadline; the Lambda handler sets it from the remaining time. */
  deadline?: number | undefined;
  /**
   * Pacing of bulk mutating calls (eip-cleanup's releases, port-sweep's revokes). Unset: EC2's bucket for
   * mutating actions, which the account shares; tests against an unthrottled emulator lift it.
   */
  pacing?: Pacing | undefined;
  /**
   * Post a dry run's report to Slack too. Off for scheduled runs: a dry run changes nothing, so
   * it would post the same plan every run (every minute for port-sweep). On when a person asked.
   */
  postDryRun?: boolean | undefined;
  /** False: a fan-out shard; the run posts one report for every shard (jobs/fleet.ts). */
  postReport?: boolean | undefined;
  /** Told how far apply is after each batch of items finishes (`ec2ops job run` on a terminal). */
  onProgress?: ((progress: JobProgress) => void) | undefined;
  /** Job-run leases per (job, account, region) (coordination/job-lease.ts); none when absent. */
  coordination?: JobCoordination | undefined;
  /** A continuation (issue 20): act only on these item ids of the fresh plan (jobs/run.ts runJobPart). */
  only?: readonly string[] | undefined;
  /** Leave the items the deadline left undone out of this report: a continuation reports them. */
  handOff?: boolean | undefined;
}
