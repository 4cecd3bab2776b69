import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../types';
import type { AmiBakePlan } from './plan';
import { summarizeAmiBake } from './report';

const plan: AmiBakePlan = {
  region: 'eu-west-1',
  skipped: [],
  items: [30, 8, 100].map((sizeGiB, i) => ({
    id: `snap-0000000${i}`,
    region: 'eu-west-1',
    action: 'delete-snapshot',
    resource: `snap-0000000${i}`,
    reason: 'snapshot of ami-00000000',
    data: {
      kind: 'delete-snapshot',
      snapshotId: `snap-0000000${i}`,
      sizeGiB,
      imageId: 'ami-00000000',
      orphan: false,
    },
  })),
};
const result = (id: string, status: 'done' | 'failed'): ItemResult => ({
  id,
  region: 'eu-west-1',
  action: 'delete-snapshot',
  resource: id,
  outcome: status === 'done' ? { status } : { status, code: 'InvalidSnapshot.InUse', message: 'in use' },
});

describe('the ami-bake report', () => {
  it('prices only the snapshots actually deleted, as "up to" at the price per GB-month', () => {
    const { money } = summarizeAmiBake({
      plans: [plan],
      results: [
        result('snap-00000000', 'done'),
        result('snap-00000001', 'done'),
        result('snap-00000002', 'failed'),
      ],
      dryRun: false,
      pricePerGbMonth: 0.05,
    });
    expect(money).toHaveLength(1);
    expect(money[0]!.label).toBe('Snapshot storage reclaimed, up to');
    expect(money[0]!.usdPerMonth).toBeCloseTo(38 * 0.05);
    expect(money[0]!.detail).toMatch(
      /2 snapshots of up to 38 GiB at \$0\.05\/GB-month; snapshots are incremental/,
    );
  });

  it('prices every planned snapshot on a dry run, and says so', () => {
    const { money } = summarizeAmiBake({ plans: [plan], results: [], dryRun: true, pricePerGbMonth: 0.1 });
    expect(money[0]!.label).toBe('Snapshot storage that would be reclaimed, up to');
    expect(money[0]!.usdPerMonth).toBeCloseTo(13.8);
  });

  it('says nothing about money when nothing is deleted', () => {
    expect(
      summarizeAmiBake({ plans: [{ ...plan, items: [] }], results: [], dryRun: false, pricePerGbMonth: 0.05 })
        .money,
    ).toEqual([]);
  });
});
