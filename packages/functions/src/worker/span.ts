import type { CommandRequest, CommandSpec } from '@ec2ops/core/commands';
import { type SpanAccount, type SpanPlace, type StageConfig, spanPlaces } from '@ec2ops/core/config';
import { isEc2opsError } from '@ec2ops/core/errors';
import type { UnreadPlace } from '@ec2ops/core/slack';
import type { Fleet } from '../accounts/clients';
import { HUB_ALIAS, memberTarget, type Target } from '../accounts/targets';
import type { EC2Client, Ec2Gateway } from '../ec2/client';

/**
 * Lists that span accounts (issue 15): `list`, `access`, `eip list` and `ami list` read every
 * (account, region) the person may see, in parallel but bounded, and name the places that could
 * not be read instead of failing the whole answer.
 */

/** How many (account, region) reads run at once: enough to hide latency, few enough for Lambda. */
export const SPAN_CONCURRENCY = 4;

/** One place a list reads, with its client and the person's role there. */
export interface ReadPlace extends SpanPlace {
  /** The alias rows carry; undefined in the hub's own account (rows then show the region alone). */
  alias: string | undefined;
  /** The EC2 client of this place, or of another region of the same account. */
  client(region?: string): EC2Client;
}

export interface Spanned<R> {
  rows: R[];
  unread: UnreadPlace[];
  /** Every place that was asked, read or not. */
  places: ReadPlace[];
  /** The places that were read. */
  read: ReadPlace[];
}

/** Reads each place with `read`; a place that fails is named in `unread`, the rest still listed. */
export type Spanner = <R>(read: (place: ReadPlace) => Promise<R[]>) => Promise<Spanned<R>>;

/**
 * The spanner of one request. Targets are the stage's accounts (Organizations' too, when
 * configured), or the hub's own account alone; `account=`/`region=` and the channel narrow them,
 * and an account where the person's role is below the command's is left out (or refused when named).
 */
export function spanner(
  deps: { config: StageConfig; ec2: Ec2Gateway; fleet?: Fleet | undefined },
  request: Pick<CommandRequest, 'account' | 'region' | 'channel' | 'user'>,
  spec: Pick<CommandSpec, 'name' | 'role'>,
  concurrency = SPAN_CONCURRENCY,
): Spanner {
  return async <R>(read: (place: ReadPlace) => Promise<R[]>): Promise<Spanned<R>> => {
    const unread: UnreadPlace[] = [];
    let targets: Target[];
    try {
      targets = deps.fleet
        ? await deps.fleet.targets.all()
        : [{ id: undefined, alias: HUB_ALIAS, regions: [...deps.ec2.regions] }];
    } catch (error) {
      // Organizations could not list its accounts: the configured ones are still listed.
      targets = (deps.config.accounts ?? []).map((a) => memberTarget(deps.config, a));
      unread.push({ place: 'the organization’s accounts', reason: reasonOf(error) });
    }
    const accounts: SpanAccount[] = targets.map((t) => ({ id: t.id, alias: t.alias, regions: t.regions }));
    const places = spanPlaces(
      deps.config,
      accounts,
      { id: request.user.id, groups: request.user.groups },
      { account: request.account, region: request.region, channel: request.channel.id },
      spec,
    ).map((place): ReadPlace => {
      const target = targets.find((t) => t.alias === place.account.alias)!;
      const client = (region = place.region) =>
        target.id === undefined || !deps.fleet
          ? deps.ec2.client(region)
          : deps.fleet.clientsFor({ target, region });
      return { ...place, alias: target.id === undefined ? undefined : target.alias, client };
    });
    const results = await mapBounded(places, concurrency, async (place) => {
      try {
        return { ok: true as const, rows: await read(place) };
      } catch (error) {
        return { ok: false as const, reason: reasonOf(error) };
      }
    });
    const rows: R[] = [];
    const done: ReadPlace[] = [];
    results.forEach((result, i) => {
      const place = places[i]!;
      if (result.ok) {
        rows.push(...result.rows);
        done.push(place);
      } else unread.push({ place: `${place.account.alias}/${place.region}`, reason: result.reason });
    });
    return { rows, unread, places, read: done };
  };
}

/** A stable code, else the AWS error's name (AccessDenied, RequestLimitExceeded…). */
function reasonOf(error: unknown): string {
  if (isEc2opsError(error)) return error.code;
  const name = (error as { name?: unknown })?.name;
  return typeof name === 'string' && name !== 'Error' ? name : 'error';
}

/** Runs `fn` over `items`, at most `limit` at once; results in the items' order. */
async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
