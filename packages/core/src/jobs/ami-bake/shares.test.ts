import { describe, expect, it } from 'vitest';
import type { ObservedImage } from './observation';
import { planShares, shareDigest } from './shares';
import { bakeTagKeys } from './tags';

const keys = bakeTagKeys('ec2ops:');
const image = (id: string, state: string, tags: Record<string, string> = {}): ObservedImage => ({
  id,
  state,
  snapshotIds: [`snap-${id}`],
  tags: { [keys.managed]: 'true', ...tags },
});
const TARGETS = ['111111111111', 'arn:aws:organizations::123456789012:organization/o-abcdefghij'];

describe('planShares (bake.shareWith)', () => {
  it('shares each available managed image once per target list, not pending, leaving or already shared ones', () => {
    const items = planShares({
      region: 'us-east-1',
      images: [
        image('ami-new', 'available'),
        image('ami-pending', 'pending'),
        image('ami-done', 'available', { [keys.sharedWith]: shareDigest(TARGETS) }),
        image('ami-old-list', 'available', { [keys.sharedWith]: shareDigest(['111111111111']) }),
        image('ami-leaving', 'available'),
      ],
      targets: TARGETS,
      keys,
      leaving: new Set(['ami-leaving']),
    });
    expect(items.map((i) => i.id)).toEqual(['ami-new', 'ami-old-list']);
    expect(items[0]?.data).toEqual({
      kind: 'share',
      imageId: 'ami-new',
      snapshotIds: ['snap-ami-new'],
      targets: TARGETS,
      digest: shareDigest(TARGETS),
    });
  });

  it('plans nothing without targets', () => {
    expect(
      planShares({
        region: 'r',
        images: [image('ami-1', 'available')],
        targets: [],
        keys,
        leaving: new Set(),
      }),
    ).toEqual([]);
  });

  it('digests a list whatever its order or repeats', () => {
    expect(shareDigest(['b', 'a', 'a'])).toBe(shareDigest(['a', 'b']));
    expect(shareDigest(['a'])).not.toBe(shareDigest(['a', 'b']));
  });
});
