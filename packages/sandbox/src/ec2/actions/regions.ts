import { invalidParameterValue } from '../errors';
import { applyFilters, readFilters } from '../filters';
import { availabilityZones, REGIONS, SEEDED_ZONES } from '../regions';
import { readAction } from '../registry';

/** DescribeRegions and DescribeAvailabilityZones: static geography, nothing to store. */
readAction('DescribeRegions', ({ params }) => {
  const names = params.strings('RegionName');
  const filters = readFilters(params);
  params.boolean('AllRegions');
  const unknown = names.filter((name) => !REGIONS.includes(name));
  if (unknown.length > 0) throw invalidParameterValue(`Invalid region(s): ${unknown.join(', ')}`);
  const regions = REGIONS.filter((name) => names.length === 0 || names.includes(name)).map((name) => ({
    id: name,
    regionName: name,
    regionEndpoint: `ec2.${name}.amazonaws.com`,
    optInStatus: 'opt-in-not-required',
  }));
  const kept = applyFilters(
    regions,
    filters,
    {
      endpoint: (r) => r.regionEndpoint,
      'region-name': (r) => r.regionName,
      'opt-in-status': (r) => r.optInStatus,
    },
    { tags: false },
  );
  return { regionInfo: kept.map(({ id: _id, ...rest }) => rest) };
});

readAction('DescribeAvailabilityZones', ({ params, region }) => {
  const names = params.strings('ZoneName');
  const ids = params.strings('ZoneId');
  const filters = readFilters(params);
  params.boolean('AllAvailabilityZones');
  const zones = availabilityZones(region)
    .slice(0, SEEDED_ZONES + 1)
    .map((zone) => ({
      id: zone.zoneName,
      zoneName: zone.zoneName,
      zoneId: zone.zoneId,
      zoneState: 'available',
      optInStatus: 'opt-in-not-required',
      regionName: region,
      groupName: region,
      networkBorderGroup: region,
      zoneType: 'availability-zone',
    }));
  const unknown = [
    ...names.filter((n) => !zones.some((z) => z.zoneName === n)),
    ...ids.filter((i) => !zones.some((z) => z.zoneId === i)),
  ];
  if (unknown.length > 0) throw invalidParameterValue(`The zone '${unknown[0]}' does not exist in ${region}`);
  const selected = zones.filter(
    (z) => (names.length === 0 && ids.length === 0) || names.includes(z.zoneName) || ids.includes(z.zoneId),
  );
  const kept = applyFilters(
    selected,
    filters,
    {
      'zone-name': (z) => z.zoneName,
      'zone-id': (z) => z.zoneId,
      state: (z) => z.zoneState,
      'region-name': (z) => z.regionName,
      'group-name': (z) => z.groupName,
      'zone-type': (z) => z.zoneType,
      'opt-in-status': (z) => z.optInStatus,
    },
    { tags: false },
  );
  return { availabilityZoneInfo: kept.map(({ id: _id, ...rest }) => ({ ...rest, messageSet: [] })) };
});
