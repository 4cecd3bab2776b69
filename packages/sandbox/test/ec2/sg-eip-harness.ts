import { EC2Client } from '@aws-sdk/client-ec2';
import { ID_KINDS, newId } from '../../src/ec2/ids';
import { subnets, vpcs } from '../../src/ec2/model';
import { type Ec2Emulator, type Ec2EmulatorOptions, startEc2Emulator } from '../../src/ec2/server';

/** An emulator on a free loopback port and an SDK client pointed at it (no retries by default). */
export interface Harness {
  emulator: Ec2Emulator;
  ec2: EC2Client;
  client(options?: { region?: string; maxAttempts?: number }): EC2Client;
  control(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }>;
  close(): Promise<void>;
}

export async function startHarness(options: Ec2EmulatorOptions = {}): Promise<Harness> {
  const emulator = await startEc2Emulator({
    delays: { instancePending: 0, instanceStopping: 0, instanceShuttingDown: 0 },
    ...options,
  });
  const clients: EC2Client[] = [];
  const client = (opts: { region?: string; maxAttempts?: number } = {}) => {
    const created = new EC2Client({
      endpoint: emulator.url,
      region: opts.region ?? 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: opts.maxAttempts ?? 1,
    });
    clients.push(created);
    return created;
  };
  const ec2 = client();
  return {
    emulator,
    ec2,
    client,
    async control(method, path, body) {
      const response = await fetch(`${emulator.url}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, json: await response.json() };
    },
    async close() {
      for (const c of clients) c.destroy();
      await emulator.close();
    },
  };
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

export async function errorOf(
  call: Promise<unknown>,
): Promise<{ code: string; status: number | undefined; message: string }> {
  try {
    await call;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { code: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the call to fail');
}

/**
 * A non-default VPC with one subnet, put straight into the store: the security-group and
 * address tests need one without depending on the network area's CreateVpc/CreateSubnet.
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
