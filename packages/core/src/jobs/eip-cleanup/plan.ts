import type { StageConfig } from '../../config/schema';
import { SLACK_USER_ID } from '../../slack/ids';
import { tagKeys } from '../../tags';
import { formatDuration, parseDuration } from '../../time/durations';
import { parseInstant, toInstant } from '../../time/instant';
import type { PlanItem, PlanSkip, RegionPlan } from '../types';

/** An Elastic IP as DescribeAddresses reports it, reduced to what the decision needs. */
export interface Address {
  allocationId: string | undefined;
  publicIp: string | undefined;
  associationId?: string | undefined;
  instanceId?: string | undefined;
  networkInterfaceId?: string | undefined;
  networkBorderGroup?: string | undefined;
  tags: Record<string, string>;
}

export interface EipPolicy {
  tagPrefix: string;
  scope: 'managed' | 'all';
  graceMs: number;
  warnBeforeMs: number;
}

/** The stage's eip settings as the planner reads them: the job, `/ec2 eip list` and the forecast alike. */
export function eipPolicy(config: Pick<StageConfig, 'tagPrefix' | 'eip'>): EipPolicy {
  return {
    tagPrefix: config.tagPrefix,
    scope: config.eip.scope,
    graceMs: parseDuration(config.eip.grace)!,
    warnBeforeMs: parseDuration(config.eip.warnBefore)!,
  };
}

export interface EipTagKeys {
  managed: string;
  keep: string;
  owner: string;
  idleSince: string;
  warnedAt: string;
}

export function eipTagKeys(prefix: string): EipTagKeys {
  return tagKeys(prefix, ['managed', 'keep', 'owner', 'idleSince', 'warnedAt']);
}

export type EipItemData =
  | { action: 'mark'; publicIp: string; value: string }
  | { action: 'unmark'; publicIp: string; keys: string[] }
  | {
      action: 'release';
      publicIp: string;
      idleSince: string;
      idleMs: number;
      networkBorderGroup?: string | undefined;
    }
  | { action: 'warn'; publicIp: string; owner: string; idleSince: string; releaseAt: string; value: string };

/** An address that is idle but not yet due: shown with the time left before release. */
export interface IdleAddress {
  region: string;
  allocationId: string;
  publicIp: string;
  idleSince: string;
  releaseAt: string;
  timeLeftMs: number;
  owner: string | undefined;
}

export type Decision =
  | { kind: 'skip'; reason: string }
  | { kind: 'mark'; reason: string }
  | { kind: 'unmark'; keys: string[]; reason: string }
  | { kind: 'release'; idleSince: string; idleMs: number; reason: string }
  | {
      kind: 'idle';
      idle: Omit<IdleAddress, 'region' | 'allocationId' | 'publicIp'>;
      warn: boolean;
      /** Why a warning that is due cannot be sent. */
      warnProblem?: string;
    };

/** Owners are Slack user ids (`U…`/`W…`): a DM to anything else would fail every run. */

export function isAssociated(address: Address): boolean {
  return Boolean(address.associationId || address.instanceId || address.networkInterfaceId);
}

/** The rule for one address, used at plan time and again on the re-read right before release. */
export function decide(address: Address, policy: EipPolicy, nowMs: number): Decision {
  const keys = eipTagKeys(policy.tagPrefix);
  const tags = address.tags;
  if (!address.allocationId) return { kind: 'skip', reason: 'no allocation id (EC2-Classic address)' };
  if (tags[keys.keep]?.toLowerCase() === 'true') return { kind: 'skip', reason: `tagged ${keys.keep}=true` };
  if (policy.scope === 'managed' && tags[keys.managed] !== 'true') {
    return { kind: 'skip', reason: `not managed (no ${keys.managed}=true; scope is "managed")` };
  }
  if (isAssociated(address)) {
    const marks = [keys.idleSince, keys.warnedAt].filter((k) => k in tags);
    if (marks.length) return { kind: 'unmark', keys: marks, reason: 'associated again: idle mark cleared' };
    return { kind: 'skip', reason: 'associated' };
  }
  const raw = tags[keys.idleSince];
  if (raw === undefined) return { kind: 'mark', reason: 'first seen idle' };
  const since = parseInstant(raw);
  if (since === undefined)
    return {
      kind: 'mark',
      reason: `${keys.idleSince}="${raw}" is not an ISO-8601 instant: counting from now`,
    };
  const idleMs = Math.max(0, nowMs - since);
  if (idleMs >= policy.graceMs) {
    return {
      kind: 'release',
      idleSince: raw,
      idleMs,
      reason: `idle ${formatDuration(idleMs)} (grace ${formatDuration(policy.graceMs)})`,
    };
  }
  const releaseAtMs = since + policy.graceMs;
  const timeLeftMs = releaseAtMs - nowMs;
  const owner = tags[keys.owner];
  const warnedAt = parseInstant(tags[keys.warnedAt]);
  const warnedThisSpell = warnedAt !== undefined && warnedAt >= since;
  const due = owner !== undefined && owner !== '' && timeLeftMs <= policy.warnBeforeMs && !warnedThisSpell;
  const idle = { idleSince: raw, releaseAt: toInstant(releaseAtMs), timeLeftMs, owner };
  if (due && !SLACK_USER_ID.test(owner)) {
    return {
      kind: 'idle',
      idle,
      warn: false,
      warnProblem: `idle, within the grace period; ${keys.owner} is not a Slack user id, so nobody is warned`,
    };
  }
  return { kind: 'idle', idle, warn: due };
}

export interface EipRegionPlan extends RegionPlan<EipItemData> {
  idle: IdleAddress[];
}

const label = (a: Address) => `${a.allocationId ?? '(no allocation id)'} (${a.publicIp ?? 'no ip'})`;

/** Decides, for every address of a region, what to do and what to leave alone and why. */
export function planEipCleanup(
  region: string,
  addresses: Address[],
  policy: EipPolicy,
  now: Date,
): EipRegionPlan {
  const nowMs = now.getTime();
  const nowIso = toInstant(nowMs);
  const items: PlanItem<EipItemData>[] = [];
  const skipped: PlanSkip[] = [];
  const idle: IdleAddress[] = [];
  for (const address of addresses) {
    const resource = label(address);
    const id = address.allocationId ?? address.publicIp ?? 'unknown';
    const publicIp = address.publicIp ?? '';
    const base = { id, region, resource };
    const decision = decide(address, policy, nowMs);
    switch (decision.kind) {
      case 'skip':
        skipped.push({ ...base, reason: decision.reason });
        break;
      case 'mark':
        items.push({
          ...base,
          action: 'mark',
          reason: decision.reason,
          data: { action: 'mark', publicIp, value: nowIso },
        });
        idle.push({
          region,
          allocationId: id,
          publicIp,
          idleSince: nowIso,
          releaseAt: toInstant(nowMs + policy.graceMs),
          timeLeftMs: policy.graceMs,
          owner: address.tags[eipTagKeys(policy.tagPrefix).owner],
        });
        break;
      case 'unmark':
        items.push({
          ...base,
          action: 'unmark',
          reason: decision.reason,
          data: { action: 'unmark', publicIp, keys: decision.keys },
        });
        break;
      case 'release':
        items.push({
          ...base,
          action: 'release',
          reason: decision.reason,
          data: {
            action: 'release',
            publicIp,
            idleSince: decision.idleSince,
            idleMs: decision.idleMs,
            networkBorderGroup: address.networkBorderGroup,
          },
        });
        break;
      case 'idle': {
        idle.push({ region, allocationId: id, publicIp, ...decision.idle });
        if (decision.warn) {
          items.push({
            ...base,
            action: 'warn',
            reason: `released in ${formatDuration(decision.idle.timeLeftMs)}: owner ${decision.idle.owner} is told`,
            data: {
              action: 'warn',
              publicIp,
              owner: decision.idle.owner!,
              idleSince: decision.idle.idleSince,
              releaseAt: decision.idle.releaseAt,
              value: nowIso,
            },
          });
        } else {
          skipped.push({ ...base, reason: decision.warnProblem ?? 'idle, within the grace period' });
        }
        break;
      }
    }
  }
  idle.sort((a, b) => a.timeLeftMs - b.timeLeftMs);
  return {
    region,
    items,
    skipped,
    idle,
    sections: [
      {
        title: 'Idle, not yet released',
        lines: idle.map(
          (a) =>
            `${region} ${a.allocationId} (${a.publicIp}) idle since ${a.idleSince}, released in ${formatDuration(a.timeLeftMs)}${a.owner ? ` (owner ${a.owner})` : ''}`,
        ),
      },
    ],
  };
}
