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
import { findInstances } from './ami-find';

/** `/ec2 ami list [source]`: managed images by source, with state, age, approval and use. */
export const amiList: Executor = async ({ request, config, ec2, clock }) => {
  const keys = bakeTagKeys(config.tagPrefix);
  const source = typeof request.args['source'] === 'string' ? request.args['source'] : undefined;
  let sourceIds: string[] | undefined;
  if (source) {
    sourceIds = source.startsWith('i-')
      ? [source]
      : (await findInstances(ec2, source)).map((f) => f.value.id);
  }
  const regions: ListedRegion[] = [];
  const wanted = bakeRegions(config).filter((r) => ec2.regions.includes(r));
  for (const region of wanted.length ? wanted : ec2.regions) {
    if (sourceIds && sourceIds.length === 0) break;
    const client = ec2.client(region);
    const extra = sourceIds ? [{ Name: `tag:${keys.sourceInstance}`, Values: sourceIds }] : [];
    const images = await describeManagedImages(client, keys, extra);
    if (images.length === 0) continue;
    const [users, templates] = await Promise.all([
      describeImageUsers(
        client,
        images.map((i) => i.id),
      ),
      describeAllTemplateVersions(client, 4),
    ]);
    const usedBy = imageUsage({
      region,
      targets: [],
      images,
      imageUsers: users,
      launchTemplateVersions: templates.versions,
      snapshots: [],
    });
    regions.push({ region, images, usedBy });
  }
  return renderImageList(imageListRows(regions, keys, clock.now().getTime()), source);
};
