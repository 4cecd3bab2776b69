import { context, header, type Message, section } from '../../slack/blocks';
import { formatDuration } from '../../time/durations';
import type { ObservedImage } from './observation';
import { bakedAtMs, newestFirst } from './retention';
import type { BakeTagKeys } from './tags';

/** One region's images and who uses them, as `/ec2 ami list` shows them. */
export interface ListedRegion {
  region: string;
  images: ObservedImage[];
  usedBy: Map<string, string[]>;
}

export interface ImageListRow {
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
  for (const { region, images, usedBy } of regions) {
    for (const image of newestFirst(images, keys)) {
      const baked = bakedAtMs(image, keys);
      rows.push({
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

/** The `/ec2 ami list` answer: a section per source, newest image first. */
export function renderImageList(rows: ImageListRow[], filter: string | undefined): Message {
  if (rows.length === 0) {
    const text = filter ? `No baked images of ${filter}.` : 'No baked images yet.';
    return {
      text,
      blocks: [...section(text), ...context('Images appear here after the nightly bake or `/ec2 ami bake`.')],
    };
  }
  const bySource = new Map<string, ImageListRow[]>();
  for (const row of rows) {
    const key = `${row.source} (${row.region})`;
    bySource.set(key, [...(bySource.get(key) ?? []), row]);
  }
  const blocks = [header(filter ? `Images of ${filter}` : 'Baked images')];
  for (const [source, list] of bySource) {
    const body = list.map((r) => {
      const flags = [
        r.state,
        `${r.age} old`,
        r.approved ? 'approved' : 'not approved',
        r.inUse.length ? `in use by ${r.inUse.join(', ')}` : 'not in use',
        ...(r.keep ? ['keep'] : []),
      ];
      return `• \`${r.imageId}\` ${r.name} — ${flags.join(', ')}`;
    });
    blocks.push(...section(`*${source}*\n${body.join('\n')}`));
  }
  return {
    text: `${rows.length} image${rows.length === 1 ? '' : 's'} from ${bySource.size} source${bySource.size === 1 ? '' : 's'}`,
    blocks,
  };
}
