import { GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { Ec2opsError } from '@ec2ops/core/errors';
import { type CoordinationTable, epochSeconds, isConditionFailed, itemId, KEY_ATTR, TTL_ATTR } from './table';

/**
 * Per-user launch reservations. EC2 has no compare-and-set and DescribeInstances lags behind
 * RunInstances, so "count the user's instances, then launch" lets concurrent launches all see
 * room. Each launch instead reserves its count in the user's one item, with a version number
 * (optimistic concurrency: read, check, write only if nobody wrote in between, else again).
 * A reservation holds until the instances it launched show up in the live count, so neither
 * the lag nor a crash between RunInstances and the next read lets a launch slip through.
 * Why not Powertools' idempotency: this is a shared counter across different requests, not a
 * once-only result for one.
 */
export interface Reservation {
  /** Instances asked for. */
  count: number;
  /** What RunInstances returned; empty until it did. */
  ids: string[];
  /** Epoch seconds after which a reservation whose launch never reported back is dropped. */
  until: number;
}

/** Reservations of one user, by request id. */
type Held = Record<string, Reservation>;

/** Another launch wrote the same user's reservations between our read and our write too often. */
export class ReservationContendedError extends Ec2opsError {
  constructor(user: string) {
    super('launch.reservation-contended', `Too many launches for <@${user}> at the same moment.`, {
      hint: 'Try again in a few seconds.',
    });
  }
}

export interface LaunchReservations {
  /**
   * Reserves `count` for `requestId`, given the user's instances EC2 shows: `live` (pending or
   * running) and `seen` (any state, live included); calls `refuse(inUse)` (which throws) when
   * live + held + count passes `limit`.
   * Running again for the same request keeps its reservation (redelivery).
   */
  reserve(input: {
    user: string;
    requestId: string;
    count: number;
    limit: number;
    live: readonly string[];
    seen: readonly string[];
    refuse: (inUse: number) => never;
  }): Promise<void>;
  /** RunInstances returned these instances: they count until the live count shows them. */
  launched(user: string, requestId: string, ids: readonly string[]): Promise<void>;
  /** RunInstances failed: nothing to count. */
  release(user: string, requestId: string): Promise<void>;
}

/** How long a reservation without instances lives: longer than any worker run. */
const PENDING_SECONDS = 15 * 60;
/** How long launched instances count through the reservation at most: longer than EC2's lag. */
const LAUNCHED_SECONDS = 60 * 60;
const MAX_ATTEMPTS = 50;

export function launchReservations(table: CoordinationTable, now: () => Date): LaunchReservations {
  const key = (user: string) => ({ [KEY_ATTR]: { S: itemId('launches', user) } });

  async function read(user: string): Promise<{ version: number; held: Held }> {
    const out = await table.client.send(
      new GetItemCommand({ TableName: table.name, Key: key(user), ConsistentRead: true }),
    );
    const item = out.Item;
    if (!item) return { version: 0, held: {} };
    return { version: Number(item['version']?.N ?? '0'), held: JSON.parse(item['held']?.S ?? '{}') as Held };
  }

  /** Compare-and-set: applies `change` to the current reservations until a write wins. */
  async function update(user: string, change: (held: Held, at: number) => Held): Promise<void> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const { version, held } = await read(user);
      const at = epochSeconds(now());
      const next = change(dropExpired(held, at), at);
      const longest = Math.max(at, ...Object.values(next).map((r) => r.until));
      try {
        await table.client.send(
          new PutItemCommand({
            TableName: table.name,
            Item: {
              ...key(user),
              [TTL_ATTR]: { N: String(longest + 60) },
              version: { N: String(version + 1) },
              held: { S: JSON.stringify(next) },
            },
            ConditionExpression: version === 0 ? `attribute_not_exists(${KEY_ATTR})` : 'version = :v',
            ...(version === 0 ? {} : { ExpressionAttributeValues: { ':v': { N: String(version) } } }),
          }),
        );
        return;
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
        // Spread the losers out so that N launches at once settle in about N rounds, not N².
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * Math.min(attempt, 10)));
      }
    }
    throw new ReservationContendedError(user);
  }

  return {
    async reserve({ user, requestId, count, limit, live, seen, refuse }) {
      const visible = new Set(seen);
      await update(user, (all, at) => {
        // Instances EC2 shows are counted by `live` (or have ended): their reservation is done.
        const held = Object.fromEntries(
          Object.entries(all).filter(([, r]) => r.ids.length === 0 || r.ids.some((id) => !visible.has(id))),
        );
        if (held[requestId]) return held;
        const inUse = new Set(live).size + heldCount(held, visible);
        if (inUse + count > limit) refuse(inUse);
        return { ...held, [requestId]: { count, ids: [], until: at + PENDING_SECONDS } };
      });
    },
    launched: (user, requestId, ids) =>
      update(user, (held, at) =>
        held[requestId]
          ? { ...held, [requestId]: { count: ids.length, ids: [...ids], until: at + LAUNCHED_SECONDS } }
          : held,
      ),
    release: (user, requestId) =>
      update(user, (held) => {
        const { [requestId]: _released, ...rest } = held;
        return rest;
      }),
  };
}

function dropExpired(held: Held, at: number): Held {
  return Object.fromEntries(Object.entries(held).filter(([, r]) => r.until >= at));
}

/**
 * What reservations add to the live count: a reservation without instances counts in full;
 * one with instances counts those EC2 does not show yet (read-after-write lag).
 */
function heldCount(held: Held, visible: ReadonlySet<string>): number {
  let total = 0;
  for (const r of Object.values(held))
    total += r.ids.length === 0 ? r.count : r.ids.filter((id) => !visible.has(id)).length;
  return total;
}
