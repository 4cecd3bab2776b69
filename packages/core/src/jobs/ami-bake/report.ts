import type { ItemResult, MoneyFigure, RegionPlan, ReportSection } from '../types';
import type { AmiBakeItemData } from './plan';

/**
 * Snapshot storage reclaimed by deleted snapshots (planned ones on a dry run), priced per
 * GB-month. A snapshot's size is its volume's size, but EBS stores snapshots incrementally, so
 * the real saving is at most this: the report says "up to".
 */
export function reclaimedStorage(input: {
  plans: RegionPlan<AmiBakeItemData>[];
  results: ItemResult[];
  dryRun: boolean;
}): { snapshots: number; gib: number } {
  const done = new Set(
    input.results
      .filter((r) => r.action === 'delete-snapshot' && r.outcome.status === 'done')
      .map((r) => `${r.region}/${r.id}`),
  );
  let snapshots = 0;
  let gib = 0;
  for (const plan of input.plans) {
    for (const item of plan.items) {
      if (item.data.kind !== 'delete-snapshot') continue;
      if (!input.dryRun && !done.has(`${item.region}/${item.id}`)) continue;
      snapshots += 1;
      gib += item.data.sizeGiB;
    }
  }
  return { snapshots, gib };
}

export function summarizeAmiBake(input: {
  plans: RegionPlan<AmiBakeItemData>[];
  results: ItemResult[];
  dryRun: boolean;
  pricePerGbMonth: number;
}): { money: MoneyFigure[]; sections: ReportSection[] } {
  const { snapshots, gib } = reclaimedStorage(input);
  const money: MoneyFigure[] = [];
  if (snapshots > 0) {
    money.push({
      label: input.dryRun
        ? 'Snapshot storage that would be reclaimed, up to'
        : 'Snapshot storage reclaimed, up to',
      usdPerMonth: gib * input.pricePerGbMonth,
      saving: true,
      detail: `${snapshots} snapshot${snapshots === 1 ? '' : 's'} of up to ${gib} GiB at $${input.pricePerGbMonth}/GB-month; snapshots are incremental, so the real saving may be less`,
    });
  }
  // The sections (became available, failed, kept because in use, warnings) come with each plan.
  return { money, sections: [] };
}
