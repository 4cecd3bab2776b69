import { comparePlaces, placeLabel } from '../../config/fleet';
import { type Block, context, header, type Message, section } from '../../slack/blocks';
import { escapeMrkdwn } from '../../slack/escape';
import { pagedRows, type RowPaging } from '../../slack/row-pages';
import { formatDuration } from '../../time/durations';
import type { ObservedImage } from './observation';
import { bakedAtMs, newestFirst } from './retention';
import type { BakeTagKeys } from './tags';

/** One region's images and who uses them, as `/ec2 ami list` shows them. */
export interface ListedRegion {
  /** The member account's alias (absent in the hub's own account). */
  account?: string | undefined;
  region: string;
  images: ObservedImage[];
  usedBy: Map<string, string[]>;
}

export interface ImageListRow {
  account?: string | undefined;
  region: string;
  source: string;
  imageId: string;
  name: string;
  state: string;
  age: string;
  approved: boolean;
  inUse: string[];
  keep: boolean;
}

export function imageListRows(regions: ListedRegion[], keys: BakeTagKeys, now: number): ImageListRow[] {
  const rows: ImageListRow[] = [];
  for (const { account, region, images, usedBy } of [...regions].sort(comparePlaces)) {
    for (const image of newestFirst(images, keys)) {
      const baked = bakedAtMs(image, keys);
      rows.push({
        account,
        region,
        source: image.tags[keys.sourceInstance] ?? '(no source)',
        imageId: image.id,
        name: image.name ?? '',
        state: image.state,
        age: baked ? formatDuration(Math.max(0, now - baked)).replace(/(\d+d)\d+h.*$/, '$1') : '?',
        approved: image.tags[keys.approved] === 'true',
        inUse: usedBy.get(image.id) ?? [],
        keep: image.tags[keys.keep] === 'true',
      });
    }
  }
  return rows;
}

/**
 * The `/ec2 ami list` answer: one section per image (a row, paged), grouped by source and place
 * (account/region), newest image first within a source.
 */
export function renderImageList(
  rows: ImageListRow[],
  filter: string | undefined,
  paging?: RowPaging,
): Message {
  if (rows.length === 0) {
    const text = filter ? `No baked images of ${escapeMrkdwn(filter)}.` : 'No baked images yet.';
    return {
      text,
      blocks: pagedRows(
        [...section(text), ...context('Images appear here after the nightly bake or `/ec2 ami bake`.')],
        [],
        paging,
      ),
    };
  }
  const key = (r: ImageListRow) => `${r.source} (${placeLabel(r)})`;
  const order = new Map<string, number>();
  for (const row of rows) if (!order.has(key(row))) order.set(key(row), order.size);
  // Stable sort: a source's images stay newest first.
  const grouped = [...rows].sort((a, b) => order.get(key(a))! - order.get(key(b))!);
  const lines: Block[][] = grouped.map((r) => {
    const flags = [
      r.state,
      `${r.age} old`,
      r.approved ? 'approved' : 'not approved',
      r.inUse.length ? `in use by ${r.inUse.join(', ')}` : 'not in use',
      ...(r.keep ? ['keep'] : []),
    ];
    return section(
      `*${escapeMrkdwn(key(r))}*\n• \`${r.imageId}\` ${escapeMrkdwn(r.name)} — ${flags.join(', ')}`,
    );
  });
  const title = filter ? `Images of ${filter}` : 'Baked images';
  return {
    text: `${rows.length} image${rows.length === 1 ? '' : 's'} from ${order.size} source${order.size === 1 ? '' : 's'}`,
    blocks: pagedRows([header(title)], lines, paging),
  };
}
