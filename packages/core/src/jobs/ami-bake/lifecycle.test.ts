import { describe, expect, it } from 'vitest';
import { bakeSchema } from '../../config/bake';
import { planCopies } from './copies';
import type { ObservedImage } from './observation';
import { planAmiBake } from './plan';
import { deletionNote, noRuleWarning, recoverableUntil } from './recycle-bin';
import { planRetention } from './retention';
import { bakeTagKeys } from './tags';

const keys = bakeTagKeys('ec2ops:');
const SOURCE_IMAGE = 'ec2ops:source-image';
const NOW = Date.parse('2026-11-23T03:00:00Z');
const DAY = 86_400_000;

function image(
  id: string,
  state: string,
  tags: Record<string, string> = {},
  extra: Partial<ObservedImage> = {},
): ObservedImage {
  return {
    id,
    name: `web-${id}`,
    state,
    snapshotIds: [],
    tags: { [keys.managed]: 'true', ...tags },
    ...extra,
  };
}

describe('cross-region copies', () => {
  const targets = [{ region: 'eu-west-1', kmsKeyId: 'alias/dr' }, { region: 'us-west-2' }];

  it('copies each available managed image once per DR region, with the region key', () => {
    const plan = planCopies({
      homeRegion: 'us-east-1',
      homeImages: [image('ami-1', 'available'), image('ami-2', 'pending')],
      drImages: new Map(),
      targets,
      sourceImageKey: SOURCE_IMAGE,
      managedKey: keys.managed,
    });
    expect(plan.copies).toEqual([
      {
        sourceImageId: 'ami-1',
        sourceRegion: 'us-east-1',
        region: 'eu-west-1',
        kmsKeyId: 'alias/dr',
        name: 'web-ami-1',
      },
      {
        sourceImageId: 'ami-1',
        sourceRegion: 'us-east-1',
        region: 'us-west-2',
        kmsKeyId: undefined,
        name: 'web-ami-1',
      },
    ]);
  });

  it('copies nothing twice: an existing copy (found by its source-image tag) is enough, a failed one is not', () => {
    const plan = planCopies({
      homeRegion: 'us-east-1',
      homeImages: [image('ami-1', 'available'), image('ami-2', 'available')],
      drImages: new Map([
        [
          'eu-west-1',
          [
            image('ami-c1', 'pending', { [SOURCE_IMAGE]: 'ami-1' }),
            image('ami-c2', 'failed', { [SOURCE_IMAGE]: 'ami-2' }),
          ],
        ],
      ]),
      targets: [targets[0]!],
      sourceImageKey: SOURCE_IMAGE,
      managedKey: keys.managed,
    });
    expect(plan.copies.map((c) => c.sourceImageId)).toEqual(['ami-2']);
    expect(plan.pendingCopies).toEqual(new Map([['ami-1', ['eu-west-1']]]));
  });

  it('never copies a copy back', () => {
    const plan = planCopies({
      homeRegion: 'us-east-1',
      homeImages: [image('ami-c', 'available', { [SOURCE_IMAGE]: 'ami-x' })],
      drImages: new Map(),
      targets,
      sourceImageKey: SOURCE_IMAGE,
      managedKey: keys.managed,
    });
    expect(plan.copies).toEqual([]);
  });
});

describe('deregistration protection in retention', () => {
  it('keeps a protected image past retention, and one in its cooldown, and says why', () => {
    const old = (id: string, protection?: string) =>
      image(
        id,
        'available',
        { [keys.bakedAt]: new Date(NOW - 30 * DAY).toISOString() },
        { deregistrationProtection: protection },
      );
    const newest = image('ami-new', 'available', { [keys.bakedAt]: new Date(NOW).toISOString() });
    const result = planRetention({
      images: [
        newest,
        old('ami-p', 'enabled'),
        old('ami-c', 'disabled-until 2026-11-24T00:00:00.000Z'),
        old('ami-d', 'disabled'),
      ],
      rule: { count: 1 },
      now: NOW,
      keys,
      usedBy: new Map(),
    });
    expect(result.removed.map((r) => r.image.id)).toEqual(['ami-d']);
    const reasons = new Map(result.kept.map((k) => [k.image.id, k.reason]));
    expect(reasons.get('ami-p')).toBe('deregistration protected');
    expect(reasons.get('ami-c')).toBe('deregistration protected');
  });
});

describe('Recycle Bin notes', () => {
  const rules = [
    {
      resourceType: 'EC2_IMAGE' as const,
      retentionDays: 7,
      resourceTags: [{ key: keys.managed, value: 'true' }],
    },
    { resourceType: 'EC2_IMAGE' as const, retentionDays: 3, resourceTags: [] },
  ];

  it('says until when a deletion can be undone, using the longest matching rule', () => {
    const until = recoverableUntil(rules, 'EC2_IMAGE', { [keys.managed]: 'true' }, NOW);
    expect(deletionNote(until)).toBe(`recoverable until ${new Date(NOW + 7 * DAY).toISOString()}`);
    expect(recoverableUntil(rules, 'EC2_IMAGE', {}, NOW)).toBe(NOW + 3 * DAY);
  });

  it('says a deletion is final when no rule matches, and gives the rule that would fix it', () => {
    expect(deletionNote(recoverableUntil(rules, 'EBS_SNAPSHOT', {}, NOW))).toBe('deleted for good');
    expect(noRuleWarning('EBS_SNAPSHOT', keys.managed, 'us-east-1')).toBe(
      'no Recycle Bin rule keeps snapshots in us-east-1: snapshot deletions are final. To make them recoverable: aws rbin create-rule --region us-east-1 --resource-type EBS_SNAPSHOT --retention-period RetentionPeriodValue=7,RetentionPeriodUnit=DAYS --resource-tags ResourceTagKey=ec2ops:managed,ResourceTagValue=true',
    );
  });
});

describe('a source with a pending copy', () => {
  it('is never deregistered while its copy is pending, and the plan says where', () => {
    const baked = (id: string, daysAgo: number): ObservedImage =>
      image(id, 'available', {
        [keys.sourceInstance]: 'i-0123456789abcdef0',
        [keys.bakedAt]: new Date(NOW - daysAgo * DAY).toISOString(),
        [keys.availableAt]: new Date(NOW - daysAgo * DAY).toISOString(),
      });
    const observation = {
      region: 'us-east-1',
      targets: [],
      imageUsers: [],
      launchTemplateVersions: [],
      snapshots: [],
      images: [baked('ami-new', 0), baked('ami-old', 30), baked('ami-older', 40)],
    };
    const planned = planAmiBake({
      observation,
      now: NOW,
      stage: 'dev',
      tagPrefix: 'ec2ops:',
      bake: bakeSchema.parse({ retention: { count: 1 } }),
      timeZone: 'UTC',
      pendingCopies: new Map([['ami-old', ['eu-west-1']]]),
    });
    expect(planned.items.filter((i) => i.action === 'deregister').map((i) => i.id)).toEqual(['ami-older']);
    expect(planned.skipped).toContainEqual(
      expect.objectContaining({ id: 'ami-old', reason: 'copy pending in eu-west-1' }),
    );
  });
});
