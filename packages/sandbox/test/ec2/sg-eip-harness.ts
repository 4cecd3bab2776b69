import { DescribeImagesCommand } from '@aws-sdk/client-ec2';
import { internetGateways } from '../../src/ec2/actions/internet-gateways';
import { ID_KINDS, newId } from '../../src/ec2/ids';
import { subnets, vpcs } from '../../src/ec2/model';
import type { Ec2EmulatorOptions } from '../../src/ec2/server';
import { failure, startTestEmulator, type TestEmulator } from './harness';

/** The security-group and address tests' emulator: ./harness's, with instant instance transitions. */
export type Harness = TestEmulator;

export function startHarness(options: Ec2EmulatorOptions = {}): Promise<Harness> {
  return startTestEmulator({
    delays: { instancePending: 0, instanceStopping: 0, instanceShuttingDown: 0 },
    ...options,
  });
}

/** The id of a public Amazon image, to launch instances from. */
export async function amazonImageId(h: Harness): Promise<string> {
  const images = await h.ec2.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  return images.Images![0]!.ImageId!;
}

/** The EC2 error code an SDK call failed with (fails the test when the call succeeded). */
export async function errorCode(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as { name?: string; Code?: string }).Code ?? (error as Error).name;
  }
  throw new Error('expected the call to fail');
}

/** The code, HTTP status and message an SDK call failed with. */
export const errorOf = failure;

/**
 * A non-default VPC with one subnet and an attached internet gateway, put straight into the
 * store: the security-group and address tests need one without depending on the network area's
 * CreateVpc/CreateSubnet.
 */
export function addVpc(h: Harness, region = 'us-east-1'): string {
  const state = h.emulator.store.region(region);
  const vpcId = newId(ID_KINDS.vpc);
  vpcs.in(state).set(vpcId, {
    id: vpcId,
    tags: [],
    cidrBlock: '10.20.0.0/16',
    isDefault: false,
    state: 'available',
    instanceTenancy: 'default',
    ownerId: h.emulator.store.accountId,
    dhcpOptionsId: 'dopt-0123456789abcdef0',
    cidrAssociationId: newId('vpc-cidr-assoc'),
  });
  const gatewayId = newId(ID_KINDS.internetGateway);
  internetGateways
    .in(state)
    .set(gatewayId, { id: gatewayId, tags: [], ownerId: h.emulator.store.accountId, vpcId });
  const subnetId = newId(ID_KINDS.subnet);
  subnets.in(state).set(subnetId, {
    id: subnetId,
    tags: [],
    vpcId,
    cidrBlock: '10.20.1.0/24',
    availabilityZone: `${region}a`,
    availabilityZoneId: 'use1-az1',
    defaultForAz: false,
    mapPublicIpOnLaunch: false,
    state: 'available',
    ownerId: h.emulator.store.accountId,
    nextHost: 4,
    freeHosts: [],
  });
  return vpcId;
}

/** The subnet addVpc created in a VPC. */
export function subnetOf(h: Harness, vpcId: string, region = 'us-east-1'): string {
  for (const subnet of subnets.in(h.emulator.store.region(region)).values())
    if (subnet.vpcId === vpcId) return subnet.id;
  throw new Error(`no subnet in ${vpcId}`);
}
