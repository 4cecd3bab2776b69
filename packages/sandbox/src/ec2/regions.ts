/** The regions DescribeRegions lists, and the availability zones each is given. */
export const REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
];

const DIRECTIONS: Record<string, string> = {
  north: 'n',
  south: 's',
  east: 'e',
  west: 'w',
  central: 'c',
  northeast: 'ne',
  northwest: 'nw',
  southeast: 'se',
  southwest: 'sw',
};

/** Zone names and ids in EC2's style (`us-east-1a`, `use1-az1`). */
export function availabilityZones(region: string): { zoneName: string; zoneId: string }[] {
  const [area = '', ...rest] = region.split('-');
  const short = area + rest.map((part) => DIRECTIONS[part] ?? part).join('');
  return ['a', 'b', 'c'].map((letter, index) => ({
    zoneName: `${region}${letter}`,
    zoneId: `${short}-az${index + 1}`,
  }));
}

export const SEEDED_ZONES = 2;
