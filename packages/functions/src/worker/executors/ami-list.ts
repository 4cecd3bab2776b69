import { bakeRegions } from '@ec2ops/core/config';
import {
  bakeTagKeys,
  imageListRows,
  imageUsage,
  type ListedRegion,
  renderImageList,
} from '@ec2ops/core/jobs';
import { describeAllTemplateVersions, describeImageUsers, describeManagedImages } from '../../ec2/images';
import type { Executor } from '../context';
import { pageButton } from '../page-button';
import type { ReadPlace } from '../span';
import { findInstances } from './ami-find';

/**
 * `/ec2 ami list [source]`: managed images by source, with state, age, approval and use, in every
 * account and bake region the person may see (or those `account=`/`region=` name).
 */
export const amiList: Executor = async ({ request, spec, config, span, clock }) => {
  const keys = bakeTagKeys(config.tagPrefix);
  const source = typeof request.args['source'] === 'string' ? request.args['source'] : undefined;
  const baked = bakeRegions(config);
  // A Name is looked up once per account, in all its regions (a copy lives beside its source's region).
  const sources = new Map<string, Promise<string[]>>();
  const sourceIdsIn = (place: ReadPlace): Promise<string[]> | undefined => {
    if (!source) return undefined;
    if (source.startsWith('i-')) return Promise.resolve([source]);
    const key = place.account.alias;
    let ids = sources.get(key);
    if (!ids) {
      const regions = place.account.regions;
      ids = findInstances({ regions, client: (r = regions[0]!) => place.client(r) }, source).then((found) =>
        found.map((f) => f.value.id),
      );
      sources.set(key, ids);
    }
    return ids;
  };
  const found = await span<ListedRegion>(async (place) => {
    // Images are baked (and copied) in the bake regions only, when the account has any of them.
    if (place.account.regions.some((r) => baked.includes(r)) && !baked.includes(place.region)) return [];
    const sourceIds = await sourceIdsIn(place);
    if (sourceIds && sourceIds.length === 0) return [];
    const client = place.client();
    const extra = sourceIds ? [{ Name: `tag:${keys.sourceInstance}`, Values: sourceIds }] : [];
    const images = await describeManagedImages(client, keys, extra);
    if (images.length === 0) return [];
    const [users, templates] = await Promise.all([
      describeImageUsers(
        client,
        images.map((i) => i.id),
      ),
      describeAllTemplateVersions(client, 4),
    ]);
    const usedBy = imageUsage({
      region: place.region,
      targets: [],
      images,
      imageUsers: users,
      launchTemplateVersions: templates.versions,
      snapshots: [],
    });
    return [{ account: place.alias, region: place.region, images, usedBy }];
  });
  return renderImageList(imageListRows(found.rows, keys, clock.now().getTime()), source, {
    page: request.page,
    unread: found.unread,
    button: pageButton(request, spec),
  });
};
