import type { EC2Client, LaunchTemplateVersion } from '@aws-sdk/client-ec2';
import { type AddressRecord, addresses } from '../ec2/actions/address-model';
import { parseIpv4 } from '../ec2/actions/cidr';
import { securityGroupRules } from '../ec2/actions/security-group-model';
import {
  images,
  instances,
  launchTemplates,
  securityGroups,
  snapshots,
  subnets,
  volumes,
  vpcs,
} from '../ec2/model';
import { type BaseRecord, type Collection, DEFAULT_ACCOUNT_ID, RegionState } from '../ec2/store';
import { pages, type ReadAction, type ReadOnlyEc2, readOnlyEc2 } from './read-only-client';
import {
  addressRecord,
  imageRecord,
  instanceRecord,
  launchTemplateRecord,
  securityGroupRecord,
  securityGroupRuleRecord,
  snapshotRecord,
  subnetRecord,
  volumeRecord,
  vpcRecord,
} from './records';

/**
 * `ec2ops twin import`: reads an account, region by region, into an emulator state (the JSON of
 * Ec2Store, which `--state` files hold). Every call goes through the read-only client, with the
 * largest page size each action accepts, so a big account costs the fewest calls EC2 allows.
 */

/** The largest MaxResults each paginated read accepts (EC2's documented maxima). */
export const PAGE_SIZES = {
  DescribeInstances: 1000,
  DescribeImages: 1000,
  DescribeSnapshots: 1000,
  DescribeVolumes: 500,
  DescribeSecurityGroups: 1000,
  DescribeSecurityGroupRules: 1000,
  DescribeLaunchTemplates: 200,
  DescribeLaunchTemplateVersions: 200,
  DescribeVpcs: 1000,
  DescribeSubnets: 1000,
} as const satisfies Partial<Record<ReadAction, number>>;

/** DescribeImages by id takes a list; this many per call keeps the request small. */
const IMAGE_IDS_PER_CALL = 200;

export type ImportedKind =
  | 'instances'
  | 'images'
  | 'snapshots'
  | 'volumes'
  | 'securityGroups'
  | 'securityGroupRules'
  | 'launchTemplates'
  | 'launchTemplateVersions'
  | 'addresses'
  | 'vpcs'
  | 'subnets';

export interface ImportProgress {
  region: string;
  kind: ImportedKind;
  /** Resources of this kind read so far in this region. */
  count: number;
  /** Calls sent so far, all regions. */
  calls: number;
}

export interface ImportOptions {
  /** The account's EC2 client per region (the import wraps it read-only). */
  ec2: (region: string) => EC2Client;
  regions: string[];
  /** The instant the snapshot is taken as (epoch ms): the twin's clock starts there. */
  now: number;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportResult {
  /** Ec2Store JSON: what `--state` files hold. */
  state: { version: 1; accountId: string; clockOffsetMs: 0; regions: Record<string, unknown> };
  accountId: string;
  counts: Record<string, Record<ImportedKind, number>>;
  /** Calls sent, by action (all regions). */
  calls: Record<string, number>;
  totalCalls: number;
  /** The fewest calls any reader could make for these counts at these page sizes. */
  minimumCalls: number;
}

function put<T extends BaseRecord>(state: RegionState, collection: Collection<T>, record: T): void {
  collection.in(state).set(record.id, record);
}

const pagesFor = (count: number, size: number): number => Math.max(1, Math.ceil(count / size));

async function importRegion(
  ec2: ReadOnlyEc2,
  now: number,
  progress: (kind: ImportedKind, count: number) => void,
): Promise<{
  state: RegionState;
  counts: Record<ImportedKind, number>;
  minimumCalls: number;
  owner?: string;
}> {
  const state = new RegionState(ec2.region);
  const counts = {} as Record<ImportedKind, number>;
  let minimumCalls = 0;
  let owner: string | undefined;
  const count = (kind: ImportedKind, n: number) => {
    counts[kind] = (counts[kind] ?? 0) + n;
    progress(kind, counts[kind]);
  };

  for await (const page of pages(ec2, 'DescribeVpcs', { MaxResults: PAGE_SIZES.DescribeVpcs })) {
    for (const vpc of page.Vpcs ?? []) put(state, vpcs, vpcRecord(vpc));
    count('vpcs', page.Vpcs?.length ?? 0);
  }
  const usedHosts = new Map<string, number[]>();
  const imageIdsInUse = new Set<string>();
  for await (const page of pages(ec2, 'DescribeInstances', { MaxResults: PAGE_SIZES.DescribeInstances })) {
    let n = 0;
    for (const reservation of page.Reservations ?? []) {
      owner ??= reservation.OwnerId;
      for (const instance of reservation.Instances ?? []) {
        const record = instanceRecord(
          instance,
          reservation.ReservationId ?? '',
          reservation.OwnerId ?? '',
          now,
        );
        put(state, instances, record);
        if (record.imageId) imageIdsInUse.add(record.imageId);
        const ip = parseIpv4(record.privateIpAddress);
        if (ip !== undefined && record.subnetId) {
          const list = usedHosts.get(record.subnetId) ?? [];
          list.push(ip);
          usedHosts.set(record.subnetId, list);
        }
        n += 1;
      }
    }
    count('instances', n);
  }
  for await (const page of pages(ec2, 'DescribeSubnets', { MaxResults: PAGE_SIZES.DescribeSubnets })) {
    for (const subnet of page.Subnets ?? []) {
      const base = parseIpv4((subnet.CidrBlock ?? '').split('/')[0] ?? '') ?? 0;
      const hosts = (usedHosts.get(subnet.SubnetId ?? '') ?? []).map((ip) => ip - base);
      put(state, subnets, subnetRecord(subnet, hosts));
    }
    count('subnets', page.Subnets?.length ?? 0);
  }
  for await (const page of pages(ec2, 'DescribeSecurityGroups', {
    MaxResults: PAGE_SIZES.DescribeSecurityGroups,
  })) {
    for (const group of page.SecurityGroups ?? []) {
      owner ??= group.OwnerId;
      put(state, securityGroups, securityGroupRecord(group));
    }
    count('securityGroups', page.SecurityGroups?.length ?? 0);
  }
  // The groups came with their rules: the emulator must not add its default rules to them.
  state.extra.securityGroupRulesInitialized = Object.fromEntries(
    [...securityGroups.in(state).keys()].map((id) => [id, 1]),
  );
  for await (const page of pages(ec2, 'DescribeSecurityGroupRules', {
    MaxResults: PAGE_SIZES.DescribeSecurityGroupRules,
  })) {
    for (const rule of page.SecurityGroupRules ?? [])
      put(state, securityGroupRules, securityGroupRuleRecord(rule, now));
    count('securityGroupRules', page.SecurityGroupRules?.length ?? 0);
  }
  const templateIds: string[] = [];
  const templates = new Map<string, Parameters<typeof launchTemplateRecord>[0]>();
  for await (const page of pages(ec2, 'DescribeLaunchTemplates', {
    MaxResults: PAGE_SIZES.DescribeLaunchTemplates,
  })) {
    for (const template of page.LaunchTemplates ?? []) {
      if (!template.LaunchTemplateId) continue;
      templateIds.push(template.LaunchTemplateId);
      templates.set(template.LaunchTemplateId, template);
    }
    count('launchTemplates', page.LaunchTemplates?.length ?? 0);
  }
  // Every version, not just the default: an image any version names is in use (DESIGN.md).
  for (const id of templateIds) {
    const versions: LaunchTemplateVersion[] = [];
    for await (const page of pages(ec2, 'DescribeLaunchTemplateVersions', {
      LaunchTemplateId: id,
      MaxResults: PAGE_SIZES.DescribeLaunchTemplateVersions,
    })) {
      versions.push(...(page.LaunchTemplateVersions ?? []));
    }
    for (const v of versions)
      if (v.LaunchTemplateData?.ImageId) imageIdsInUse.add(v.LaunchTemplateData.ImageId);
    put(state, launchTemplates, launchTemplateRecord(templates.get(id)!, versions, now));
    minimumCalls += pagesFor(versions.length, PAGE_SIZES.DescribeLaunchTemplateVersions);
    count('launchTemplateVersions', versions.length);
  }
  for await (const page of pages(ec2, 'DescribeImages', {
    Owners: ['self'],
    MaxResults: PAGE_SIZES.DescribeImages,
  })) {
    for (const image of page.Images ?? []) put(state, images, imageRecord(image, now));
    count('images', page.Images?.length ?? 0);
  }
  // Images others own (public, shared) that instances and templates run from: jobs and the
  // launch command look them up by id.
  const foreign = [...imageIdsInUse].filter((id) => !images.in(state).has(id));
  for (let i = 0; i < foreign.length; i += IMAGE_IDS_PER_CALL) {
    const { Images } = await ec2
      .call('DescribeImages', { ImageIds: foreign.slice(i, i + IMAGE_IDS_PER_CALL) })
      .catch(
        // An image deregistered since an instance launched: EC2 answers NotFound for the whole list.
        () => ({ Images: [] }),
      );
    for (const image of Images ?? []) put(state, images, imageRecord(image, now));
    minimumCalls += 1;
    count('images', Images?.length ?? 0);
  }
  for await (const page of pages(ec2, 'DescribeSnapshots', {
    OwnerIds: ['self'],
    MaxResults: PAGE_SIZES.DescribeSnapshots,
  })) {
    for (const snapshot of page.Snapshots ?? []) put(state, snapshots, snapshotRecord(snapshot, now));
    count('snapshots', page.Snapshots?.length ?? 0);
  }
  for await (const page of pages(ec2, 'DescribeVolumes', { MaxResults: PAGE_SIZES.DescribeVolumes })) {
    for (const volume of page.Volumes ?? []) put(state, volumes, volumeRecord(volume, now));
    count('volumes', page.Volumes?.length ?? 0);
  }
  // DescribeAddresses has no pages: one call returns every address of the region.
  const { Addresses } = await ec2.call('DescribeAddresses', {});
  for (const address of Addresses ?? []) {
    if (address.AllocationId) put<AddressRecord>(state, addresses, addressRecord(address, now));
  }
  count('addresses', Addresses?.length ?? 0);
  minimumCalls += 1;

  const paged: [ReadAction & keyof typeof PAGE_SIZES, number][] = [
    ['DescribeVpcs', counts.vpcs ?? 0],
    ['DescribeInstances', counts.instances ?? 0],
    ['DescribeSubnets', counts.subnets ?? 0],
    ['DescribeSecurityGroups', counts.securityGroups ?? 0],
    ['DescribeSecurityGroupRules', counts.securityGroupRules ?? 0],
    ['DescribeLaunchTemplates', counts.launchTemplates ?? 0],
    [
      'DescribeImages',
      (counts.images ?? 0) - [...images.in(state).keys()].filter((id) => foreign.includes(id)).length,
    ],
    ['DescribeSnapshots', counts.snapshots ?? 0],
    ['DescribeVolumes', counts.volumes ?? 0],
  ];
  for (const [action, n] of paged) minimumCalls += pagesFor(n, PAGE_SIZES[action]);
  return { state, counts, minimumCalls, ...(owner ? { owner } : {}) };
}

export async function importAccount(options: ImportOptions): Promise<ImportResult> {
  const regions: Record<string, unknown> = {};
  const counts: ImportResult['counts'] = {};
  const calls: Record<string, number> = {};
  const clients: ReadOnlyEc2[] = [];
  const totalCalls = () =>
    clients.reduce((sum, c) => sum + Object.values(c.calls).reduce((a, b) => a + b, 0), 0);
  let minimumCalls = 0;
  let accountId: string | undefined;
  for (const region of options.regions) {
    const ec2 = readOnlyEc2(options.ec2(region), region);
    clients.push(ec2);
    const imported = await importRegion(ec2, options.now, (kind, count) =>
      options.onProgress?.({ region, kind, count, calls: totalCalls() }),
    );
    regions[region] = imported.state.toJSON();
    counts[region] = imported.counts;
    minimumCalls += imported.minimumCalls;
    accountId ??= imported.owner;
  }
  for (const client of clients)
    for (const [action, n] of Object.entries(client.calls)) calls[action] = (calls[action] ?? 0) + n;
  const account = accountId ?? DEFAULT_ACCOUNT_ID;
  return {
    state: { version: 1, accountId: account, clockOffsetMs: 0, regions },
    accountId: account,
    counts,
    calls,
    totalCalls: totalCalls(),
    minimumCalls,
  };
}
