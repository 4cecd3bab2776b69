import { createHash } from 'node:crypto';
import { privateDnsName, publicDnsName } from '../ip';
import { INSTANCE_STATE_CODES, type InstanceRecord, type InstanceStateName } from '../model';
import { tagSet } from '../tags';
import { membersXml, XmlFragment, type XmlObject } from '../xml';

/** An instance as DescribeInstances / RunInstances show it (element names from the EC2 model). */
export function instanceStateWire(name: InstanceStateName): XmlObject {
  return { code: INSTANCE_STATE_CODES[name], name };
}

export function instanceToWire(instance: InstanceRecord, region: string): XmlObject {
  const hasNetwork = instance.state !== 'terminated';
  const privateDns = privateDnsName(instance.privateIpAddress, region);
  const publicDns = instance.publicIpAddress ? publicDnsName(instance.publicIpAddress, region) : undefined;
  const groups = instance.securityGroups.map((g) => ({ groupId: g.groupId, groupName: g.groupName }));
  // The public address as EC2 shows it twice: on the interface and on its primary private address.
  const association = instance.publicIpAddress
    ? {
        publicIp: instance.publicIpAddress,
        publicDnsName: publicDns,
        ipOwnerId: instance.elasticIp ? instance.ownerId : 'amazon',
      }
    : undefined;
  return {
    instanceId: instance.id,
    imageId: instance.imageId,
    instanceState: instanceStateWire(instance.state),
    privateDnsName: hasNetwork ? privateDns : '',
    dnsName: publicDns ?? '',
    reason: instance.stateTransitionReason,
    keyName: instance.keyName,
    amiLaunchIndex: instance.amiLaunchIndex,
    productCodes: [],
    instanceType: instance.instanceType,
    launchTime: new Date(instance.launchTime),
    placement: { availabilityZone: instance.availabilityZone, groupName: '', tenancy: 'default' },
    monitoring: { state: instance.monitoring ? 'enabled' : 'disabled' },
    subnetId: hasNetwork ? instance.subnetId : undefined,
    vpcId: hasNetwork ? instance.vpcId : undefined,
    privateIpAddress: hasNetwork ? instance.privateIpAddress : undefined,
    ipAddress: instance.publicIpAddress,
    sourceDestCheck: hasNetwork ? true : undefined,
    groupSet: groups,
    stateReason: instance.stateReason,
    architecture: instance.architecture,
    rootDeviceType: 'ebs',
    rootDeviceName: instance.rootDeviceName,
    blockDeviceMapping: instance.blockDevices.map((device) => ({
      deviceName: device.deviceName,
      ebs: {
        volumeId: device.volumeId,
        status: instance.state === 'terminated' ? 'detached' : 'attached',
        attachTime: new Date(device.attachTime),
        deleteOnTermination: device.deleteOnTermination,
      },
    })),
    virtualizationType: 'hvm',
    clientToken: instance.clientToken ?? '',
    tagSet: tagSet(instance.tags),
    hypervisor: 'xen',
    networkInterfaceSet: hasNetwork
      ? [
          {
            networkInterfaceId: instance.networkInterfaceId,
            subnetId: instance.subnetId,
            vpcId: instance.vpcId,
            description: '',
            ownerId: instance.ownerId,
            status: 'in-use',
            macAddress: instance.macAddress,
            privateIpAddress: instance.privateIpAddress,
            privateDnsName: privateDns,
            sourceDestCheck: true,
            groupSet: groups,
            attachment: {
              attachmentId: `eni-attach-${instance.networkInterfaceId.slice(4)}`,
              deviceIndex: 0,
              status: 'attached',
              attachTime: new Date(instance.launchTime),
              deleteOnTermination: true,
              networkCardIndex: 0,
            },
            association,
            privateIpAddressesSet: [
              {
                privateIpAddress: instance.privateIpAddress,
                privateDnsName: privateDns,
                primary: true,
                association,
              },
            ],
            ipv6AddressesSet: [],
            interfaceType: 'interface',
          },
        ]
      : [],
    iamInstanceProfile: instance.iamInstanceProfile,
    ebsOptimized: instance.ebsOptimized,
    enaSupport: true,
    cpuOptions: { coreCount: instance.cpuCores, threadsPerCore: instance.threadsPerCore },
    capacityReservationSpecification: { capacityReservationPreference: 'open' },
    hibernationOptions: { configured: false },
    metadataOptions: {
      state: 'applied',
      httpTokens: instance.metadataOptions.httpTokens,
      httpPutResponseHopLimit: instance.metadataOptions.httpPutResponseHopLimit,
      httpEndpoint: instance.metadataOptions.httpEndpoint,
      httpProtocolIpv6: instance.metadataOptions.httpProtocolIpv6,
      instanceMetadataTags: instance.metadataOptions.instanceMetadataTags,
    },
    enclaveOptions: { enabled: false },
    bootMode: instance.architecture === 'arm64' ? 'uefi' : 'legacy-bios',
    platformDetails: instance.platformDetails,
    usageOperation: 'RunInstances',
    usageOperationUpdateTime: new Date(instance.launchTime),
    privateDnsNameOptions: {
      hostnameType: 'ip-name',
      enableResourceNameDnsARecord: false,
      enableResourceNameDnsAAAARecord: false,
    },
    maintenanceOptions: { autoRecovery: 'default' },
    currentInstanceBootMode: instance.architecture === 'arm64' ? 'uefi' : 'legacy-bios',
  };
}

/**
 * An instance's XML, cached until the record changes: DescribeInstances over thousands of
 * instances spends most of its time writing XML, and most instances do not change between calls.
 * The key is the record's JSON (records are plain JSON), so any change is seen.
 */
const cache = new WeakMap<InstanceRecord, { key: string; fragment: XmlFragment }>();

export function instanceXml(instance: InstanceRecord, region: string): XmlFragment {
  const key = createHash('sha1').update(region).update(JSON.stringify(instance)).digest('base64');
  const cached = cache.get(instance);
  if (cached && cached.key === key) return cached.fragment;
  const xml = membersXml(instanceToWire(instance, region));
  // A string built by concatenation is a tree of pieces in V8; converting it to a number
  // flattens it into one buffer, so the cached copy costs its length, not many times that.
  void Number(xml);
  const fragment = new XmlFragment(xml);
  cache.set(instance, { key, fragment });
  return fragment;
}

/** Groups instances into reservations, keeping their order (`cached`: see `instanceXml`). */
export function reservationsWire(list: InstanceRecord[], region: string, cached = false): XmlObject[] {
  const byReservation = new Map<string, InstanceRecord[]>();
  for (const instance of list) {
    const group = byReservation.get(instance.reservationId);
    if (group) group.push(instance);
    else byReservation.set(instance.reservationId, [instance]);
  }
  return [...byReservation.entries()].map(([reservationId, members]) => ({
    reservationId,
    ownerId: members[0]!.ownerId,
    groupSet: [],
    instancesSet: members.map((m) => (cached ? instanceXml(m, region) : instanceToWire(m, region))),
  }));
}
