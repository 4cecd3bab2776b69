import { applyFilters, type FilterFields, readFilters } from '../filters';
import { ID_KINDS, resolveIds } from '../ids';
import { privateDnsName, publicDnsName } from '../ip';
import { INSTANCE_STATE_CODES, type InstanceRecord, instances } from '../model';
import { paginate, readPagination } from '../pagination';
import type { Params } from '../query';
import { readAction } from '../registry';
import type { RegionState } from '../store';
import { instanceStateWire, reservationsWire } from './instance-wire';

/** DescribeInstances and DescribeInstanceStatus. */
const INSTANCE_FILTERS = (region: string): FilterFields<InstanceRecord> => ({
  'instance-id': (i) => i.id,
  'instance-state-name': (i) => i.state,
  'instance-state-code': (i) => INSTANCE_STATE_CODES[i.state],
  'instance-type': (i) => i.instanceType,
  'image-id': (i) => i.imageId,
  'subnet-id': (i) => i.subnetId,
  'vpc-id': (i) => i.vpcId,
  'availability-zone': (i) => i.availabilityZone,
  architecture: (i) => i.architecture,
  'client-token': (i) => i.clientToken,
  'key-name': (i) => i.keyName,
  'launch-time': (i) => new Date(i.launchTime).toISOString(),
  'owner-id': (i) => i.ownerId,
  'reservation-id': (i) => i.reservationId,
  'private-ip-address': (i) => i.privateIpAddress,
  'ip-address': (i) => i.publicIpAddress,
  'private-dns-name': (i) => privateDnsName(i.privateIpAddress, region),
  'dns-name': (i) => (i.publicIpAddress ? publicDnsName(i.publicIpAddress, region) : undefined),
  'instance.group-id': (i) => i.securityGroups.map((g) => g.groupId),
  'instance.group-name': (i) => i.securityGroups.map((g) => g.groupName),
  'network-interface.network-interface-id': (i) => i.networkInterfaceId,
  'iam-instance-profile.arn': (i) => i.iamInstanceProfile?.arn,
  'metadata-options.http-tokens': (i) => i.metadataOptions.httpTokens,
  'root-device-name': (i) => i.rootDeviceName,
  'root-device-type': () => 'ebs',
  'block-device-mapping.volume-id': (i) => i.blockDevices.map((d) => d.volumeId),
  'block-device-mapping.device-name': (i) => i.blockDevices.map((d) => d.deviceName),
  'state-reason-code': (i) => i.stateReason?.code,
  'platform-details': (i) => i.platformDetails,
  'virtualization-type': () => 'hvm',
  tenancy: () => 'default',
});

/** Instances named by `InstanceId.N` (every one must exist) or all of them. */
function selectInstances(params: Params, state: RegionState): { list: InstanceRecord[]; byId: boolean } {
  const ids = params.strings('InstanceId');
  if (ids.length === 0) return { list: [...instances.in(state).values()], byId: false };
  const all = instances.in(state);
  return { list: resolveIds(ID_KINDS.instance, [...new Set(ids)], (id) => all.get(id)), byId: true };
}

readAction('DescribeInstances', ({ params, state, region, action }) => {
  const filters = readFilters(params);
  const page = readPagination(params, action);
  const { list } = selectInstances(params, state);
  const result = paginate(applyFilters(list, filters, INSTANCE_FILTERS(region)), page, action);
  return { reservationSet: reservationsWire(result.items, region, true), nextToken: result.nextToken };
});

function statusOf(instance: InstanceRecord): string {
  return instance.state === 'running' ? 'ok' : 'not-applicable';
}

const STATUS_FILTERS: FilterFields<InstanceRecord> = {
  'availability-zone': (i) => i.availabilityZone,
  'instance-state-name': (i) => i.state,
  'instance-state-code': (i) => INSTANCE_STATE_CODES[i.state],
  'instance-status.status': statusOf,
  'instance-status.reachability': (i) => (i.state === 'running' ? 'passed' : undefined),
  'system-status.status': statusOf,
  'system-status.reachability': (i) => (i.state === 'running' ? 'passed' : undefined),
  'event.code': () => undefined,
};

readAction('DescribeInstanceStatus', ({ params, state, action }) => {
  const filters = readFilters(params);
  const page = readPagination(params, action);
  const includeAll = params.boolean('IncludeAllInstances') ?? false;
  const { list } = selectInstances(params, state);
  const shown = includeAll ? list : list.filter((i) => i.state === 'running');
  const result = paginate(applyFilters(shown, filters, STATUS_FILTERS, { tags: false }), page, action);
  return {
    instanceStatusSet: result.items.map((instance) => {
      const status = statusOf(instance);
      const details = instance.state === 'running' ? [{ name: 'reachability', status: 'passed' }] : undefined;
      return {
        instanceId: instance.id,
        availabilityZone: instance.availabilityZone,
        eventsSet: undefined,
        instanceState: instanceStateWire(instance.state),
        systemStatus: { status, details },
        instanceStatus: { status, details },
      };
    }),
    nextToken: result.nextToken,
  };
});
