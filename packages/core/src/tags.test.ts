import { describe, expect, it } from 'vitest';
import { accessTagKeys } from './access/rules';
import { instanceTagKeys } from './instances/tags';
import { bakeTagKeys } from './jobs/ami-bake/tags';
import { eipTagKeys } from './jobs/eip-cleanup/plan';
import { TAG_NAMES, tagKeys } from './tags';

describe('the tag contract', () => {
  it("puts the stage's prefix in front of each tag it names", () => {
    expect(tagKeys('team:', ['owner', 'expiresAt'])).toEqual({
      owner: 'team:owner',
      expiresAt: 'team:expires-at',
    });
  });

  it('gives a tag one spelling across instances, access rules, Elastic IPs and baked images', () => {
    const spelled = new Map<string, Set<string>>();
    for (const keys of [instanceTagKeys('p:'), accessTagKeys('p:'), eipTagKeys('p:'), bakeTagKeys('p:')]) {
      for (const [role, key] of Object.entries(keys))
        spelled.set(role, (spelled.get(role) ?? new Set()).add(key));
    }
    for (const [role, keys] of spelled)
      expect([...keys]).toEqual([`p:${TAG_NAMES[role as keyof typeof TAG_NAMES]}`]);
  });

  it('keeps the tags ec2ops already wrote readable: the names of a deployed stage do not change', () => {
    expect(instanceTagKeys('ec2ops:')).toMatchObject({
      managed: 'ec2ops:managed',
      expiresAt: 'ec2ops:expires-at',
    });
    expect(bakeTagKeys('ec2ops:')).toMatchObject({
      reboot: 'ec2ops:bake-reboot',
      availableAt: 'ec2ops:available-at',
    });
  });
});
