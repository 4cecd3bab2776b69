/**
 * What the sandbox server tells the web console (JSON over /console/api). Shared by the server
 * (runner/) and the browser bundle (console/), so both sides agree at compile time.
 */
import type { JobReport } from '@ec2ops/core/jobs';
import type { AccountPage } from './account-query';

export type Role = 'viewer' | 'operator' | 'admin';

export interface ConsoleUser {
  id: string;
  name: string;
  realName: string;
  role?: Role;
}

export interface ConsoleChannel {
  id: string;
  name: string;
  /** What ec2ops uses the channel for in the sandbox stage. */
  purpose: 'commands' | 'approvals' | 'audit' | 'reports' | 'other';
}

/** A channel message or an ephemeral one (seen only by `visibleTo`). */
export interface ConsoleMessage {
  channel: string;
  ts: string;
  /** Who posted it (the bot for ec2ops' replies). */
  user: string;
  text: string;
  blocks?: unknown[];
  ephemeral: boolean;
  edited: boolean;
  /** The person who typed the command this message answers, when known. */
  requestedBy?: string;
  /** The command line that started this conversation, shown above slash-command replies. */
  command?: string;
}

/** A modal opened with views.open, shown to the user it was opened for. */
export interface ConsoleView {
  id: string;
  view: Record<string, unknown>;
  /** Field errors from the app's last `response_action: errors`: block_id → message. */
  errors?: Record<string, string>;
}

export interface InstanceRow {
  /** The account's label when the console shows several (alias, or id). */
  account?: string;
  region: string;
  id: string;
  name?: string;
  state: string;
  type: string;
  imageId: string;
  owner?: string;
  managed: boolean;
  bake: boolean;
  expiresAt?: string;
  /** Negative once expired. */
  timeLeftMs?: number;
  launchedAt?: string;
  publicIp?: string;
}

export interface ImageRow {
  /** The account's label when the console shows several (alias, or id). */
  account?: string;
  region: string;
  id: string;
  name: string;
  state: string;
  /**
   * `baked` from an instance by ami-bake; `registered` in this account otherwise; `alias` for a
   * public image that one of the stage's launch aliases currently names.
   */
  source: 'baked' | 'registered' | 'alias';
  sourceInstance?: string;
  /** The launch alias naming it (approved by the stage config). */
  alias?: string;
  approved: boolean;
  keep: boolean;
  /** Instances (not terminated) launched from it. */
  /** The first few instances (not terminated) that run it, by id (USED_BY_LISTED). */
  usedBy: string[];
  /** How many instances (not terminated) run it. */
  inUse: number;
  createdAt?: string;
}

export interface RuleRow {
  /** The account's label when the console shows several (alias, or id). */
  account?: string;
  region: string;
  groupId: string;
  groupName: string;
  ruleId: string;
  protocol: string;
  ports: string;
  source: string;
  description?: string;
  temporary: boolean;
  owner?: string;
  expiresAt?: string;
  timeLeftMs?: number;
}

export interface GroupRow {
  /** The account's label when the console shows several (alias, or id). */
  account?: string;
  region: string;
  id: string;
  name: string;
  description: string;
  /** Designated for on-request access (`/ec2 open`). */
  onRequest: boolean;
}

export interface AddressRow {
  /** The account's label when the console shows several (alias, or id). */
  account?: string;
  region: string;
  allocationId: string;
  publicIp: string;
  instanceId?: string;
  associationId?: string;
  keep: boolean;
  idleSince?: string;
  idleMs?: number;
  /** Public IPv4 at $0.005 an hour for the time it has been idle (since idle-since). */
  idleCostUsd?: number;
}

export interface AccountView {
  /** The stage's regions, in config order (then member accounts' other regions). */
  regions: string[];
  /** The accounts shown, hub first, when there are several (rows then carry `account`). */
  accounts?: string[];
  instances: InstanceRow[];
  images: ImageRow[];
  groups: GroupRow[];
  rules: RuleRow[];
  addresses: AddressRow[];
  /** Set when the EC2 emulator could not be read. */
  error?: string;
  /** US dollars per public IPv4 address-hour, so the page prices idle time as the clock moves. */
  ipv4PricePerHour?: number;
}

export type JobTrigger = 'schedule' | 'manual' | 'clock';

export interface JobRunRecord {
  id: string;
  job: string;
  trigger: JobTrigger;
  /** The instant the job ran as (sandbox clock), ISO-8601. */
  now: string;
  startedAt: string;
  finishedAt?: string;
  dryRun: boolean;
  status: 'running' | 'ok' | 'failed';
  /** Scheduled runs that fell in a clock jump and were folded into this one. */
  coalesced: number;
  report?: JobReport;
  error?: string;
}

export interface JobRow {
  name: string;
  description: string;
  schedule: string;
  timeZone: string;
  enabled: boolean;
  nextRunAt?: string;
  /** The stage config's dry-run setting for this job. */
  configDryRun: boolean;
}

export interface JobsView {
  /** null = follow the stage config; true/false = the console's toggle. */
  dryRunOverride: boolean | null;
  /** Whether the scheduler fires on its own (paused keeps "run now" working). */
  paused: boolean;
  jobs: JobRow[];
  runs: JobRunRecord[];
}

/** The command queue between the slack function and the worker. */
export interface QueueView {
  waiting: number;
  inFlight: number;
  /** Commands the worker failed on every delivery, now in the dead-letter queue. */
  deadLetters: number;
}

export interface Endpoints {
  console: string;
  slack: string;
  ec2: string;
  sqs: string;
  slackApi: string;
}

export interface ConsoleSnapshot {
  now: string;
  clockOffsetMs: number;
  stage: string;
  signingSecret: 'SLACK_SIGNING_SECRET' | 'development';
  users: ConsoleUser[];
  channels: ConsoleChannel[];
  /** Messages per channel id, oldest first, as the chosen user sees them. */
  messages: Record<string, ConsoleMessage[]>;
  views: ConsoleView[];
  /** The first page of each table (or the pages asked for); never the whole fleet. */
  account: AccountPage;
  /** The account's version; changes after it arrive as deltas on the event stream. */
  accountVersion: number;
  jobs: JobsView;
  queue: QueueView;
  endpoints: Endpoints;
}

/** Everything but the account: small, fetched again on each change notice. */
export type ConsoleState = Omit<ConsoleSnapshot, 'account' | 'accountVersion'>;

/** A click on an interactive element, as the console reports it to the server. */
export interface ConsoleAction {
  user: string;
  channel: string;
  /** The message the element is on; absent for elements inside a modal. */
  messageTs?: string;
  ephemeral?: boolean;
  viewId?: string;
  blockId?: string;
  actionId: string;
  type: string;
  value?: string;
  selectedOption?: { text: unknown; value: string };
}

export interface ConsoleSubmit {
  user: string;
  viewId: string;
  /** block_id → action_id → Slack's state value ({type, value} or {type, selected_option}). */
  values: Record<string, Record<string, Record<string, unknown>>>;
}

/** What the server answers to a command, a click or a submission: Slack's HTTP answer to it. */
export interface SendResult {
  status: number;
  /** The text Slack would show the user from the acknowledgement body (if any). */
  ack?: string;
  error?: string;
}
