import {
  DescribeAddressesCommand,
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  type Tag,
} from '@aws-sdk/client-ec2';
import { usage } from '../console/account-query';
import type { AccountView, AddressRow, GroupRow, ImageRow, InstanceRow, RuleRow } from '../console/types';

/**
 * The console's view of the account, read through the EC2 API like any other client would,
 * and explained with ec2ops' tags (owner, expiry, approval, idle-since).
 */
export interface AccountViewOptions {
  regions: string[];
  ec2: (region: string) => EC2Client;
  tagPrefix: string;
  now: () => number;
  /** US dollars per public IPv4 address-hour. */
  ipv4PricePerHour: number;
  /** The stage's launch aliases: each names the newest image of an owner whose name matches. */
  aliases: Record<string, { owner: string; name: string; architecture: string }>;
  /** The stage's access.groups: security groups `/ec2 open` may change, by id or by tags. */
  accessGroups: { ids: string[]; tags: Record<string, string> };
  /**
   * Several accounts (the hub and its members): each read with its own clients in its own
   * regions, every row labelled with the account. Absent: the one account `ec2` reaches.
   */
  accounts?: AccountSource[];
}

export interface AccountSource {
  /** Shown in the console's account column and filter (the alias, or the id). */
  label: string;
  ec2: (region: string) => EC2Client;
  regions: string[];
}

function isAccessGroup(
  id: string,
  tags: Map<string, string>,
  groups: AccountViewOptions['accessGroups'],
): boolean {
  if (groups.ids.includes(id)) return true;
  const wanted = Object.entries(groups.tags);
  return wanted.length > 0 && wanted.every(([key, value]) => tags.get(key) === value);
}

function tagsOf(tags: Tag[] | undefined): Map<string, string> {
  return new Map((tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

const ms = (iso: string | undefined): number | undefined => {
  const value = iso ? Date.parse(iso) : Number.NaN;
  return Number.isNaN(value) ? undefined : value;
};

function ports(from: number | undefined, to: number | undefined): string {
  if (from === undefined || from === -1) return 'all';
  return from === to ? String(from) : `${from}-${to}`;
}

async function readRegion(
  region: string,
  o: AccountViewOptions,
): Promise<Omit<AccountView, 'regions' | 'error'>> {
  const ec2 = o.ec2(region);
  const p = o.tagPrefix;
  const now = o.now();
  const [reservations, imageList, groupList, ruleList, addressList] = await Promise.all([
    ec2.send(new DescribeInstancesCommand({})),
    ec2.send(new DescribeImagesCommand({ Owners: ['self'] })),
    ec2.send(new DescribeSecurityGroupsCommand({})),
    ec2.send(new DescribeSecurityGroupRulesCommand({})),
    ec2.send(new DescribeAddressesCommand({})),
  ]);

  const instances: InstanceRow[] = (reservations.Reservations ?? []).flatMap((r) =>
    (r.Instances ?? []).map((i) => {
      const tags = tagsOf(i.Tags);
      const expires = ms(tags.get(`${p}expires-at`));
      return {
        region,
        id: i.InstanceId ?? '',
        ...(tags.get('Name') ? { name: tags.get('Name') } : {}),
        state: i.State?.Name ?? 'unknown',
        type: i.InstanceType ?? '',
        imageId: i.ImageId ?? '',
        ...(tags.get(`${p}owner`) ? { owner: tags.get(`${p}owner`) } : {}),
        managed: tags.get(`${p}managed`) === 'true',
        bake: tags.get(`${p}bake`) === 'nightly',
        ...(expires === undefined
          ? {}
          : { expiresAt: new Date(expires).toISOString(), timeLeftMs: expires - now }),
        ...(i.LaunchTime ? { launchedAt: new Date(i.LaunchTime).toISOString() } : {}),
        ...(i.PublicIpAddress ? { publicIp: i.PublicIpAddress } : {}),
      };
    }),
  );

  const images: ImageRow[] = (imageList.Images ?? []).map((img) => {
    const tags = tagsOf(img.Tags);
    const sourceInstance = tags.get(`${p}source-instance`);
    return {
      region,
      id: img.ImageId ?? '',
      name: img.Name ?? '',
      state: img.State ?? 'unknown',
      source: sourceInstance ? 'baked' : 'registered',
      ...(sourceInstance ? { sourceInstance } : {}),
      approved: tags.get(`${p}approved`) === 'true',
      keep: tags.get(`${p}keep`) === 'true',
      ...usage(
        instances.filter((i) => i.imageId === img.ImageId && i.state !== 'terminated').map((i) => i.id),
      ),
      ...(img.CreationDate ? { createdAt: img.CreationDate } : {}),
    };
  });
  images.push(...(await aliasImages(ec2, region, o.aliases, instances)));
  images.sort(
    (a, b) =>
      Number(b.source === 'alias') - Number(a.source === 'alias') ||
      (a.sourceInstance ?? '').localeCompare(b.sourceInstance ?? '') ||
      (b.createdAt ?? '').localeCompare(a.createdAt ?? ''),
  );

  const groups: GroupRow[] = (groupList.SecurityGroups ?? []).map((g) => ({
    region,
    id: g.GroupId ?? '',
    name: g.GroupName ?? '',
    description: g.Description ?? '',
    onRequest: isAccessGroup(g.GroupId ?? '', tagsOf(g.Tags), o.accessGroups),
  }));
  const groupName = new Map(groups.map((g) => [g.id, g.name]));

  const rules: RuleRow[] = (ruleList.SecurityGroupRules ?? [])
    .filter((r) => !r.IsEgress)
    .map((r) => {
      const tags = tagsOf(r.Tags);
      const expires = ms(tags.get(`${p}expires-at`));
      return {
        region,
        groupId: r.GroupId ?? '',
        groupName: groupName.get(r.GroupId ?? '') ?? r.GroupId ?? '',
        ruleId: r.SecurityGroupRuleId ?? '',
        protocol: r.IpProtocol === '-1' ? 'all' : (r.IpProtocol ?? ''),
        ports: ports(r.FromPort, r.ToPort),
        source: r.CidrIpv4 ?? r.CidrIpv6 ?? r.ReferencedGroupInfo?.GroupId ?? r.PrefixListId ?? '',
        ...(r.Description ? { description: r.Description } : {}),
        temporary: expires !== undefined,
        ...(tags.get(`${p}owner`) ? { owner: tags.get(`${p}owner`) } : {}),
        ...(expires === undefined
          ? {}
          : { expiresAt: new Date(expires).toISOString(), timeLeftMs: expires - now }),
      };
    });

  const addresses: AddressRow[] = (addressList.Addresses ?? []).map((a) => {
    const tags = tagsOf(a.Tags);
    const idleSince = a.AssociationId ? undefined : ms(tags.get(`${p}idle-since`));
    const idleMs = idleSince === undefined ? undefined : Math.max(0, now - idleSince);
    return {
      region,
      allocationId: a.AllocationId ?? '',
      publicIp: a.PublicIp ?? '',
      ...(a.InstanceId ? { instanceId: a.InstanceId } : {}),
      ...(a.AssociationId ? { associationId: a.AssociationId } : {}),
      keep: tags.get(`${p}keep`) === 'true',
      ...(idleSince === undefined ? {} : { idleSince: new Date(idleSince).toISOString() }),
      ...(idleMs === undefined ? {} : { idleMs, idleCostUsd: (idleMs / 3_600_000) * o.ipv4PricePerHour }),
    };
  });

  return { instances, images, groups, rules, addresses };
}

/** The public images the launch aliases name today (the newest match), approved by config. */
async function aliasImages(
  ec2: EC2Client,
  region: string,
  aliases: AccountViewOptions['aliases'],
  instances: InstanceRow[],
): Promise<ImageRow[]> {
  const rows = await Promise.all(
    Object.entries(aliases).map(async ([alias, a]): Promise<ImageRow | undefined> => {
      const { Images } = await ec2.send(
        new DescribeImagesCommand({
          Owners: [a.owner],
          Filters: [
            { Name: 'name', Values: [a.name] },
            { Name: 'architecture', Values: [a.architecture] },
            { Name: 'state', Values: ['available'] },
          ],
        }),
      );
      const newest = [...(Images ?? [])].sort((x, y) =>
        (y.CreationDate ?? '').localeCompare(x.CreationDate ?? ''),
      )[0];
      if (!newest?.ImageId) return undefined;
      return {
        region,
        id: newest.ImageId,
        name: newest.Name ?? '',
        state: newest.State ?? 'available',
        source: 'alias',
        alias,
        approved: true,
        keep: false,
        ...usage(
          instances.filter((i) => i.imageId === newest.ImageId && i.state !== 'terminated').map((i) => i.id),
        ),
        ...(newest.CreationDate ? { createdAt: newest.CreationDate } : {}),
      };
    }),
  );
  return rows.filter((row): row is ImageRow => row !== undefined);
}

export async function readAccountView(o: AccountViewOptions): Promise<AccountView> {
  const sources: Array<AccountSource & { labelled: boolean }> = o.accounts?.length
    ? o.accounts.map((a) => ({ ...a, labelled: true }))
    : [{ label: '', ec2: o.ec2, regions: o.regions, labelled: false }];
  const reads = sources.flatMap((source) => source.regions.map((region) => ({ source, region })));
  const regions = [...new Set([...o.regions, ...reads.map((r) => r.region)])];
  const view: AccountView = {
    regions,
    ...(o.accounts?.length ? { accounts: sources.map((s) => s.label) } : {}),
    instances: [],
    images: [],
    groups: [],
    rules: [],
    addresses: [],
    ipv4PricePerHour: o.ipv4PricePerHour,
  };
  const results = await Promise.allSettled(
    reads.map(({ source, region }) => readRegion(region, { ...o, ec2: source.ec2 })),
  );
  const errors: string[] = [];
  results.forEach((result, i) => {
    const { source, region } = reads[i]!;
    if (result.status === 'rejected') {
      const where = source.labelled ? `${source.label} ${region}` : region;
      errors.push(`${where}: ${(result.reason as Error)?.message ?? String(result.reason)}`);
      return;
    }
    // Rows of one account carry its label, so the console can show and filter by account.
    const mark = <T extends object>(rows: T[]): T[] =>
      source.labelled ? rows.map((row) => ({ ...row, account: source.label })) : rows;
    view.instances.push(...mark(result.value.instances));
    view.images.push(...mark(result.value.images));
    view.groups.push(...mark(result.value.groups));
    view.rules.push(...mark(result.value.rules));
    view.addresses.push(...mark(result.value.addresses));
  });
  if (errors.length) view.error = errors.join('; ');
  return view;
}
