/**
 * The instance types the emulator knows: the common current families with their sizes, vCPUs
 * and memory. RunInstances refuses any other type, as EC2 refuses a type that does not exist.
 */
export interface InstanceTypeSpec {
  name: string;
  family: string;
  architecture: 'x86_64' | 'arm64' | 'i386';
  vcpus: number;
  memoryMiB: number;
  burstable: boolean;
  currentGeneration: boolean;
  freeTierEligible: boolean;
  networkPerformance: string;
  clockGhz: number;
}

type Arch = InstanceTypeSpec['architecture'];

const BURSTABLE_SIZES: [string, number, number][] = [
  ['nano', 2, 512],
  ['micro', 2, 1024],
  ['small', 2, 2048],
  ['medium', 2, 4096],
  ['large', 2, 8192],
  ['xlarge', 4, 16384],
  ['2xlarge', 8, 32768],
];

const STANDARD_SIZES: [string, number][] = [
  ['medium', 1],
  ['large', 2],
  ['xlarge', 4],
  ['2xlarge', 8],
  ['4xlarge', 16],
  ['8xlarge', 32],
  ['12xlarge', 48],
  ['16xlarge', 64],
  ['24xlarge', 96],
];

function burstable(
  family: string,
  architecture: Arch,
  clockGhz: number,
  network: string,
): InstanceTypeSpec[] {
  return BURSTABLE_SIZES.map(([size, vcpus, memoryMiB]) => ({
    name: `${family}.${size}`,
    family,
    architecture,
    vcpus,
    memoryMiB,
    burstable: true,
    currentGeneration: true,
    freeTierEligible: `${family}.${size}` === 't3.micro' || `${family}.${size}` === 't4g.micro',
    networkPerformance: network,
    clockGhz,
  }));
}

function standard(
  family: string,
  architecture: Arch,
  gibPerVcpu: number,
  clockGhz: number,
  options: { medium?: boolean; maxVcpus?: number } = {},
): InstanceTypeSpec[] {
  return STANDARD_SIZES.filter(
    ([size, vcpus]) => (size !== 'medium' || options.medium) && vcpus <= (options.maxVcpus ?? 96),
  ).map(([size, vcpus]) => ({
    name: `${family}.${size}`,
    family,
    architecture,
    vcpus,
    memoryMiB: vcpus * gibPerVcpu * 1024,
    burstable: false,
    currentGeneration: true,
    freeTierEligible: false,
    networkPerformance: vcpus <= 16 ? 'Up to 12.5 Gigabit' : vcpus <= 48 ? '18.75 Gigabit' : '37.5 Gigabit',
    clockGhz,
  }));
}

export const INSTANCE_TYPES: readonly InstanceTypeSpec[] = [
  ...burstable('t2', 'x86_64', 3.3, 'Low to Moderate').map((t) => ({
    ...t,
    currentGeneration: true,
    freeTierEligible: t.name === 't2.micro',
  })),
  ...burstable('t3', 'x86_64', 2.5, 'Up to 5 Gigabit'),
  ...burstable('t3a', 'x86_64', 2.2, 'Up to 5 Gigabit'),
  ...burstable('t4g', 'arm64', 2.5, 'Up to 5 Gigabit'),
  ...standard('m5', 'x86_64', 4, 3.1),
  ...standard('m6i', 'x86_64', 4, 3.5),
  ...standard('m6a', 'x86_64', 4, 3.6),
  ...standard('m6g', 'arm64', 4, 2.5, { medium: true, maxVcpus: 64 }),
  ...standard('m7i', 'x86_64', 4, 3.2),
  ...standard('m7a', 'x86_64', 4, 3.7, { medium: true }),
  ...standard('m7g', 'arm64', 4, 2.6, { medium: true, maxVcpus: 64 }),
  // C5 skips 8xlarge and 16xlarge (it has 9xlarge and 18xlarge instead): EC2 has no such types.
  ...standard('c5', 'x86_64', 2, 3.4).filter((t) => t.name !== 'c5.8xlarge' && t.name !== 'c5.16xlarge'),
  ...standard('c6i', 'x86_64', 2, 3.5),
  ...standard('c6in', 'x86_64', 2, 3.5),
  ...standard('c6g', 'arm64', 2, 2.5, { medium: true, maxVcpus: 64 }),
  ...standard('c7i', 'x86_64', 2, 3.2),
  ...standard('c7g', 'arm64', 2, 2.6, { medium: true, maxVcpus: 64 }),
  ...standard('r5', 'x86_64', 8, 3.1),
  ...standard('r6i', 'x86_64', 8, 3.5),
  ...standard('r6g', 'arm64', 8, 2.5, { medium: true, maxVcpus: 64 }),
  ...standard('r7i', 'x86_64', 8, 3.2),
  ...standard('r7g', 'arm64', 8, 2.6, { medium: true, maxVcpus: 64 }),
  {
    name: 'm1.small',
    family: 'm1',
    architecture: 'x86_64',
    vcpus: 1,
    memoryMiB: 1740,
    burstable: false,
    currentGeneration: false,
    freeTierEligible: false,
    networkPerformance: 'Low',
    clockGhz: 2.0,
  },
];

const BY_NAME = new Map(INSTANCE_TYPES.map((t) => [t.name, t]));

export function findInstanceType(name: string): InstanceTypeSpec | undefined {
  return BY_NAME.get(name);
}

/** EC2's default when RunInstances names no type. */
export const DEFAULT_INSTANCE_TYPE = 'm1.small';
