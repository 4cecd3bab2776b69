import type { ResourceFacts } from '@ec2ops/core/forecast';
import { tagKeys } from '@ec2ops/core/tags';
import { addresses } from '../ec2/actions/address-model';
import { securityGroupRules } from '../ec2/actions/security-group-model';
import { images, instances, securityGroups } from '../ec2/model';
import type { Ec2Store, Tag } from '../ec2/store';

const tag = (tags: Tag[] | undefined, key: string): string | undefined =>
  tags?.find((t) => t.key === key)?.value;

/**
 * Name and owner of a resource as the twin holds it, looked up by id: an instance or address by
 * its tags, a rule by its own owner tag and its group's name, a baked image by the instance it
 * was baked from.
 */
export function resourceFacts(store: Ec2Store, tagPrefix: string) {
  const keys = tagKeys(tagPrefix, ['owner', 'sourceInstance']);
  const instanceFacts = (region: string, id: string | undefined): ResourceFacts | undefined => {
    const instance = id ? instances.in(store.region(region)).get(id) : undefined;
    if (!instance) return undefined;
    return pick(tag(instance.tags, 'Name'), tag(instance.tags, keys.owner));
  };
  return (region: string, id: string): ResourceFacts | undefined => {
    const state = store.regions().find((s) => s.region === region);
    if (!state) return undefined;
    if (id.startsWith('i-')) return instanceFacts(region, id);
    if (id.startsWith('eipalloc-')) {
      const address = addresses.in(state).get(id);
      if (!address) return undefined;
      return pick(tag(address.tags, 'Name'), tag(address.tags, keys.owner));
    }
    if (id.startsWith('ami-')) {
      const image = images.in(state).get(id);
      if (!image) return undefined;
      const source = instanceFacts(region, tag(image.tags, keys.sourceInstance) ?? image.sourceInstanceId);
      return pick(tag(image.tags, 'Name') ?? image.name, tag(image.tags, keys.owner) ?? source?.owner);
    }
    if (id.startsWith('sgr-')) {
      const rule = securityGroupRules.in(state).get(id);
      if (!rule) return undefined;
      const group = securityGroups.in(state).get(rule.groupId);
      return pick(tag(group?.tags, 'Name') ?? group?.groupName, tag(rule.tags, keys.owner));
    }
    return undefined;
  };
}

function pick(name: string | undefined, owner: string | undefined): ResourceFacts {
  return { ...(name ? { name } : {}), ...(owner ? { owner } : {}) };
}
