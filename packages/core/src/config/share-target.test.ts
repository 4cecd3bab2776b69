import { describe, expect, it } from 'vitest';
import { expandShareTarget, isShareShorthand, SHARE_TARGET, shareTargetKind } from './share-target';

const ORG = {
  id: 'o-abcdefghij',
  arn: 'arn:aws:organizations::123456789012:organization/o-abcdefghij',
  managementAccountId: '123456789012',
};

describe('share targets', () => {
  it('accepts accounts, ARNs and the org / ou-… shorthands, and nothing else', () => {
    for (const ok of ['111111111111', 'org', 'ou-ab12-cdefgh34', ORG.arn])
      expect(SHARE_TARGET.test(ok)).toBe(true);
    for (const bad of ['1111', 'organization', 'ou-12', '<!channel>', 'arn:aws:iam::123456789012:root'])
      expect(SHARE_TARGET.test(bad)).toBe(false);
  });

  it('expands the shorthands to the ARNs EC2 launch permissions take, and leaves the rest alone', () => {
    expect(expandShareTarget('org', ORG)).toBe(ORG.arn);
    expect(expandShareTarget('ou-ab12-cdefgh34', ORG)).toBe(
      'arn:aws:organizations::123456789012:ou/o-abcdefghij/ou-ab12-cdefgh34',
    );
    expect(expandShareTarget('111111111111', ORG)).toBe('111111111111');
    expect(['org', 'ou-ab12-cdefgh34', '111111111111'].map(isShareShorthand)).toEqual([true, true, false]);
    expect(shareTargetKind(expandShareTarget('ou-ab12-cdefgh34', ORG))).toBe('ou');
    expect(shareTargetKind(ORG.arn)).toBe('organization');
  });
});
