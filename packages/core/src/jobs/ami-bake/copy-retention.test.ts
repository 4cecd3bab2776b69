import { describe, expect, it } from 'vitest';
import { BAKE_DEFAULTS } from '../../config/bake';
import type { ObservedImage, ObservedInstance } from './observation';
import { planAmiBake } from './plan';
import { bakeTagKeys } from './tags';

const keys = bakeTagKeys('ec2ops:');
const NOW = Date.parse('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
const SOURCE = 'i-0123456789abcdef0';

/** Copies in the DR region of one home source's images, 1…n days old. */
function copies(n: number): ObservedImage[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `ami-copy${i}`,
    state: 'available',
    snapshotIds: [],
    sourceImageRegion: 'us-east-1',
    tags: {
      [keys.managed]: 'true',
      [keys.sourceInstance]: SOURCE,
      [keys.sourceImage]: `ami-home${i}`,
      [keys.bakedAt]: new Date(NOW - (i + 1) * DAY).toISOString(),
    },
  }));
}

function drPlan(sourceInstances?: ObservedInstance[]) {
  return planAmiBake({
    observation: {
      region: 'eu-west-1',
      targets: [],
      images: copies(5),
      imageUsers: [],
      launchTemplateVersions: [],
      snapshots: [],
    },
    now: NOW,
    stage: 'test',
    tagPrefix: 'ec2ops:',
    bake: { ...BAKE_DEFAULTS, retention: { count: 1 } },
    timeZone: 'UTC',
    copiesFrom: 'us-east-1',
    sourceInstances,
  });
}

const removed = (plan: ReturnType<typeof drPlan>) =>
  plan.items.filter((i) => i.action === 'deregister').map((i) => i.id);

describe('retention of copies in a DR region', () => {
  it("follows the source instance's retain tag from the home region", () => {
    const source: ObservedInstance = {
      id: SOURCE,
      state: 'running',
      tags: { [keys.managed]: 'true', [keys.bake]: 'nightly', [keys.retain]: '3' },
    };
    expect(removed(drPlan([source]))).toEqual(['ami-copy3', 'ami-copy4']);
  });

  it("uses the stage's retention when the source has no retain tag (or is unknown)", () => {
    expect(removed(drPlan())).toEqual(['ami-copy1', 'ami-copy2', 'ami-copy3', 'ami-copy4']);
  });
});
