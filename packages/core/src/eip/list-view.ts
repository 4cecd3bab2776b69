import { comparePlaces, placeArgs, placeLabel } from '../config/fleet';
import { type Role, roleAtLeast } from '../config/roles';
import { type Address, decide, type EipPolicy, eipTagKeys, isAssociated } from '../jobs/eip-cleanup/plan';
import { actionId } from '../slack/actions';
import { type Block, button, context, header, type Message, section } from '../slack/blocks';
import { escapeMrkdwn, userMention } from '../slack/escape';
import { pagedRows, type RowPaging } from '../slack/row-pages';
import { formatDuration } from '../time/durations';
import { parseInstant } from '../time/instant';
import { isKept, monthlyCost, type Requester, releaseRefusal, usd } from './policy';

/** One address as `/ec2 eip list` shows it. */
export interface ListedAddress {
  /** The member account's alias (absent in the hub's own account). */
  account?: string | undefined;
  region: string;
  /** The asker's role in that account, when it differs by account (issue 15). */
  role?: Role | undefined;
  address: Address;
  /** The Name tag of the instance it is associated with. */
  instanceName?: string | undefined;
}

interface Row extends ListedAddress {
  associated: boolean;
  /** For sorting: idle addresses soonest-released first, then the rest. */
  order: number;
  status: string;
}

/**
 * What the hourly cleanup will do with an unassociated address, in the job's own words
 * (`decide`): so the list and the cleanup never disagree.
 */
function idleStatus(address: Address, policy: EipPolicy, nowMs: number): { status: string; order: number } {
  const keys = eipTagKeys(policy.tagPrefix);
  const since = parseInstant(address.tags[keys.idleSince]);
  const idle = since === undefined ? 'idle' : `idle ${formatDuration(Math.max(0, nowMs - since))}`;
  const decision = decide(address, policy, nowMs);
  switch (decision.kind) {
    case 'idle':
      return {
        status: `${idle}, released in ${formatDuration(decision.idle.timeLeftMs)} (${decision.idle.releaseAt})`,
        order: decision.idle.timeLeftMs,
      };
    case 'release':
      return { status: `${idle}, past the grace period: released at the next cleanup run`, order: 0 };
    case 'mark':
      return {
        status: `idle, not yet marked: released ${formatDuration(policy.graceMs)} after the next cleanup run marks it`,
        order: policy.graceMs,
      };
    case 'skip':
      // Why (kept, not managed) is among the facts shown beside the status.
      return { status: `${idle}, never released by cleanup`, order: Number.MAX_SAFE_INTEGER };
    case 'unmark':
      return { status: idle, order: Number.MAX_SAFE_INTEGER };
  }
}

function toRow(listed: ListedAddress, policy: EipPolicy, nowMs: number): Row {
  const { address } = listed;
  if (isAssociated(address)) {
    const to = address.instanceId
      ? `${address.instanceId}${listed.instanceName ? ` (${escapeMrkdwn(listed.instanceName)})` : ''}`
      : (address.networkInterfaceId ?? address.associationId ?? '?');
    return { ...listed, associated: true, order: Number.MAX_SAFE_INTEGER, status: `associated with ${to}` };
  }
  return { ...listed, associated: false, ...idleStatus(address, policy, nowMs) };
}

/**
 * The `/ec2 eip list [idle]` answer: one block per address (the worker pages them), the idle
 * ones first, soonest released first, each with what it costs at the configured price.
 */
export function renderEipList(
  listed: readonly ListedAddress[],
  input: {
    idleOnly: boolean;
    policy: EipPolicy;
    nowMs: number;
    pricePerHour: number;
    regions: readonly string[];
    /**
     * Who the list is for, and the role `eip release` needs: a Release button is offered only on
     * the addresses this person may release (their own, or any for an admin), never to a viewer.
     */
    viewer: Requester;
    releaseRole: Role;
    /** The page shown, the places that could not be read, and page buttons. */
    paging?: RowPaging;
  },
): Message {
  const keys = eipTagKeys(input.policy.tagPrefix);
  const perAddress = monthlyCost(input.pricePerHour);
  const all = listed.map((l) => toRow(l, input.policy, input.nowMs));
  const rows = (input.idleOnly ? all.filter((r) => !r.associated) : all).sort(
    (a, b) =>
      a.order - b.order ||
      comparePlaces(a, b) ||
      (a.address.publicIp ?? '').localeCompare(b.address.publicIp ?? ''),
  );
  const where = input.regions.join(', ');
  if (rows.length === 0) {
    const text = input.idleOnly ? `No unassociated Elastic IPs in ${where}.` : `No Elastic IPs in ${where}.`;
    return { text, blocks: pagedRows(section(text), [], input.paging) };
  }
  const idleCount = all.filter((r) => !r.associated).length;
  const title = input.idleOnly ? 'Unassociated Elastic IPs' : 'Elastic IPs';
  const summary =
    `${rows.length} address${rows.length === 1 ? '' : 'es'} in ${where}: ${usd(rows.length * perAddress)}/month ` +
    `at $${Number(input.pricePerHour.toFixed(6))}/hour each` +
    (input.idleOnly ? '' : `; ${idleCount} unassociated (${usd(idleCount * perAddress)}/month)`);
  const lines: Block[][] = [];
  for (const row of rows) {
    const { address } = row;
    const kept = isKept(address, keys);
    const owner = address.tags[keys.owner];
    const managed = address.tags[keys.managed] === 'true';
    const facts = [
      row.status,
      ...(kept ? [`${keys.keep}=true`] : []),
      owner ? `owner ${userMention(owner)}` : 'no owner',
      ...(managed ? [] : ['not managed']),
      `${usd(perAddress)}/month`,
    ];
    const line = `*${address.publicIp ?? '(no ip)'}* \`${address.allocationId ?? '-'}\` · ${placeLabel(row)}\n${facts.join(' · ')}`;
    // The same rule the release checks when clicked (with the role in the row's account), so
    // the list offers nothing it would refuse.
    const viewer = { ...input.viewer, role: row.role ?? input.viewer.role };
    const releasable =
      roleAtLeast(viewer.role, input.releaseRole) &&
      releaseRefusal(address, row.region, viewer, keys) === undefined;
    lines.push(
      section(
        line,
        releasable
          ? button('Release…', actionId('run', `eip-release-${address.allocationId}`), {
              value: `eip release ${address.allocationId}${placeArgs(row)}`,
              style: 'danger',
            })
          : undefined,
      ),
    );
  }
  // The blocks carry one page of rows; the notification text is the summary.
  return { text: summary, blocks: pagedRows([header(title), ...context(summary)], lines, input.paging) };
}
