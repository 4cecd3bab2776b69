import { Ec2ApiError } from '../errors';
import { applyFilters, type FilterFields, readFilters } from '../filters';
import { INSTANCE_TYPES, type InstanceTypeSpec } from '../instance-type-catalog';
import { paginate, readPagination } from '../pagination';
import { readAction } from '../registry';
import type { XmlObject } from '../xml';

/** DescribeInstanceTypes over the catalog in ../instance-type-catalog. */
type Row = InstanceTypeSpec & { id: string };

function cores(spec: InstanceTypeSpec): { cores: number; threads: number } {
  if (spec.architecture === 'arm64' || spec.vcpus === 1) return { cores: spec.vcpus, threads: 1 };
  return { cores: spec.vcpus / 2, threads: 2 };
}

function toWire(spec: InstanceTypeSpec): XmlObject {
  const { cores: coreCount, threads } = cores(spec);
  return {
    instanceType: spec.name,
    currentGeneration: spec.currentGeneration,
    freeTierEligible: spec.freeTierEligible,
    supportedUsageClasses: ['on-demand', 'spot'],
    supportedRootDeviceTypes: ['ebs'],
    supportedVirtualizationTypes: ['hvm'],
    bareMetal: false,
    hypervisor: 'nitro',
    processorInfo: { supportedArchitectures: [spec.architecture], sustainedClockSpeedInGhz: spec.clockGhz },
    vCpuInfo: {
      defaultVCpus: spec.vcpus,
      defaultCores: coreCount,
      defaultThreadsPerCore: threads,
      validCores: Array.from({ length: coreCount }, (_, i) => i + 1),
      validThreadsPerCore: threads === 2 ? [1, 2] : [1],
    },
    memoryInfo: { sizeInMiB: spec.memoryMiB },
    instanceStorageSupported: false,
    ebsInfo: { ebsOptimizedSupport: 'default', encryptionSupport: 'supported', nvmeSupport: 'required' },
    networkInfo: {
      networkPerformance: spec.networkPerformance,
      maximumNetworkInterfaces: Math.min(15, Math.max(2, spec.vcpus / 2 + 1)),
      maximumNetworkCards: 1,
      defaultNetworkCardIndex: 0,
      ipv4AddressesPerInterface: Math.min(50, Math.max(2, spec.vcpus * 2)),
      ipv6AddressesPerInterface: Math.min(50, Math.max(2, spec.vcpus * 2)),
      ipv6Supported: true,
      enaSupport: 'required',
      efaSupported: false,
    },
    placementGroupInfo: { supportedStrategies: ['partition', 'spread'] },
    hibernationSupported: spec.architecture !== 'arm64',
    burstablePerformanceSupported: spec.burstable,
    dedicatedHostsSupported: !spec.burstable,
    autoRecoverySupported: true,
    supportedBootModes: spec.architecture === 'arm64' ? ['uefi'] : ['legacy-bios', 'uefi'],
  };
}

const FILTERS: FilterFields<Row> = {
  'instance-type': (t) => t.name,
  'current-generation': (t) => t.currentGeneration,
  'free-tier-eligible': (t) => t.freeTierEligible,
  'burstable-performance-supported': (t) => t.burstable,
  'bare-metal': () => false,
  hypervisor: () => 'nitro',
  'instance-storage-supported': () => false,
  'memory-info.size-in-mib': (t) => t.memoryMiB,
  'processor-info.supported-architecture': (t) => t.architecture,
  'processor-info.sustained-clock-speed-in-ghz': (t) => t.clockGhz,
  'vcpu-info.default-vcpus': (t) => t.vcpus,
  'supported-usage-class': () => ['on-demand', 'spot'],
  'supported-root-device-type': () => 'ebs',
  'supported-virtualization-type': () => 'hvm',
};

readAction('DescribeInstanceTypes', ({ params, action }) => {
  const names = params.strings('InstanceType');
  const filters = readFilters(params);
  const page = readPagination(params, action);
  const unknown = names.filter((name) => !INSTANCE_TYPES.some((t) => t.name === name));
  if (unknown.length > 0) {
    throw new Ec2ApiError(
      'InvalidInstanceType',
      `The following supplied instance types do not exist: [${unknown.join(', ')}]`,
    );
  }
  const rows: Row[] = INSTANCE_TYPES.filter((t) => names.length === 0 || names.includes(t.name)).map((t) => ({
    ...t,
    id: t.name,
  }));
  const result = paginate(applyFilters(rows, filters, FILTERS, { tags: false }), page, action);
  return { instanceTypeSet: result.items.map(toWire), nextToken: result.nextToken };
});
