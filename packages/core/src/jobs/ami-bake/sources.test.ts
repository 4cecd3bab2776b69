import { describe, expect, it } from 'vitest';
import type { AmiBakeObservation } from './observation';
import { imageUsage } from './sources';

const empty: AmiBakeObservation = {
  region: 'us-east-1',
  targets: [],
  images: [],
  imageUsers: [],
  launchTemplateVersions: [],
  snapshots: [],
};

describe('imageUsage', () => {
  it('counts an image named by an Auto Scaling launch configuration as in use', () => {
    const usedBy = imageUsage({
      ...empty,
      launchConfigurations: [{ name: 'web-lc', imageId: 'ami-00000001' }, { name: 'no-image' }],
    });
    expect(usedBy.get('ami-00000001')).toEqual(['launch configuration web-lc']);
    expect(usedBy.size).toBe(1);
  });

  it("counts instances in the fleet's other accounts as users, naming the account; terminated ones do not count", () => {
    const usedBy = imageUsage({
      ...empty,
      foreignImageUsers: [
        {
          account: 'dev (111111111111)',
          instance: { id: 'i-1', state: 'stopped', imageId: 'ami-1', tags: {} },
        },
        {
          account: 'prod (222222222222)',
          instance: { id: 'i-2', state: 'terminated', imageId: 'ami-2', tags: {} },
        },
      ],
    });
    expect(usedBy.get('ami-1')).toEqual(['instance i-1 (stopped) in account dev (111111111111)']);
    expect(usedBy.has('ami-2')).toBe(false);
  });

  it('holds every image when another account of the fleet could not be read', () => {
    const image = { id: 'ami-1', state: 'available', tags: {}, snapshotIds: [] };
    const usedBy = imageUsage({
      ...empty,
      images: [image],
      unreadableUsers: ['instances in account prod (222222222222)'],
    });
    expect(usedBy.get('ami-1')).toEqual([
      'possibly instances in account prod (222222222222) (could not be read)',
    ]);
  });
});
