import { describe, expect, it } from 'vitest';
import type { ItemResult } from '../types';
import type { EipRegionPlan } from './plan';
import { eipMoney, HOURS_PER_MONTH } from './summary';

const plan = (releases: number, idle: number): EipRegionPlan => ({
  region: 'us-east-1',
  items: Array.from({ length: releases }, (_, i) => ({
    id: `eipalloc-${i}`,
    region: 'us-east-1',
    action: 'release',
    resource: '',
    reason: '',
    data: { action: 'release' as const, publicIp: '', idleSince: '', idleMs: 0 },
  })),
  skipped: [],
  idle: Array.from({ length: idle }, (_, i) => ({
    region: 'us-east-1',
    allocationId: `eipalloc-i${i}`,
    publicIp: '',
    idleSince: '',
    releaseAt: '',
    timeLeftMs: 1,
    owner: undefined,
  })),
});

const done = (id: string, detail?: string): ItemResult => ({
  id,
  region: 'us-east-1',
  action: 'release',
  resource: '',
  outcome: { status: 'done', ...(detail ? { detail } : {}) },
});

describe('eip-cleanup money', () => {
  it('prices what was released at price × 730 hours, not what someone else already released', () => {
    const money = eipMoney({
      plans: [plan(3, 2)],
      results: [done('a'), done('b'), done('c', 'already released')],
      dryRun: false,
      pricePerHour: 0.005,
    });
    expect(money[0]).toEqual({
      label: 'Saved',
      usdPerMonth: 2 * 0.005 * HOURS_PER_MONTH,
      detail: '2 addresses released × $0.005/h × 730 h',
      saving: true,
    });
    expect(money[1]).toMatchObject({ label: 'Idle addresses still cost', usdPerMonth: 2 * 0.005 * 730 });
    // A cost still running is not a saving: the SavingsUsdPerMonth metric leaves it out.
    expect(money[1]!.saving).toBeUndefined();
  });

  it('says what a dry run would save', () => {
    const money = eipMoney({ plans: [plan(4, 0)], results: [], dryRun: true, pricePerHour: 0.01 });
    expect(money).toEqual([
      {
        label: 'Would save',
        usdPerMonth: 4 * 0.01 * 730,
        detail: '4 addresses released × $0.01/h × 730 h',
        saving: true,
      },
    ]);
  });
});
