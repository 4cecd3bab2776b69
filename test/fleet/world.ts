import { EC2Client } from '@aws-sdk/client-ec2';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { parseStageConfig, type StageConfig } from '@ec2ops/core';
import { FLEET_FUNCTIONS, memberRolePolicy } from '@ec2ops/core/iam';
import { type Fleet, fleetOf } from '@ec2ops/functions/accounts/clients';
import { build, type Clock } from '@ec2ops/functions/root';
import type { RequestInfo } from '@ec2ops/sandbox/ec2/interceptors';
import { type Ec2Emulator, startEc2Emulator } from '@ec2ops/sandbox/ec2/server';
import {
  deployedName,
  functionCredentials,
  SANDBOX_CREDENTIALS,
  stageEnforcer,
} from '@ec2ops/sandbox/iam/stage-policies';
import { quickRetry } from '../jobs/eip-fixtures';

/**
 * A hub and two member accounts on one emulator, as issue 15 describes them: `dev` and `prod`,
 * two regions each, each with the member role core generates (trusting the hub's fleet
 * functions, with an ExternalId). The emulator enforces the hub functions' generated policies and
 * the member role's, so a call outside either fails the test as it would fail in AWS.
 */
export const DEV = '111111111111';
export const PROD = '222222222222';
export const EXTERNAL_ID = 'ec2ops-fleet-test';
/** dev sits in this OU; prod sits at the organization's root. */
export const OU = 'ou-root-ec2ops01';
/** Trusted by the sandbox's own key only: how tests put fixtures into a member account. */
const SEED_ROLE = 'fleet-test-seeder';

export function fleetConfig(overrides: Record<string, unknown> = {}): StageConfig {
  return parseStageConfig({
    stage: 'fleet',
    regions: ['us-east-1', 'eu-west-1'],
    slack: { reportChannel: 'C0EC2OPS' },
    accounts: [
      { id: DEV, alias: 'dev', externalId: EXTERNAL_ID },
      { id: PROD, alias: 'prod', externalId: EXTERNAL_ID },
    ],
    ...overrides,
  });
}

export interface FleetWorld {
  emulator: Ec2Emulator;
  config: StageConfig;
  /** Set-up and inspection clients in a member account (full access), by account id and region. */
  admin(account: string, region: string): Promise<EC2Client>;
  /** The fleet a hub function builds from its root (signed as that function). */
  fleetAs(fn: (typeof FLEET_FUNCTIONS)[number], clock: Clock): Fleet;
  /** Makes a member role disappear (AssumeRole on it is then refused). */
  breakRole(account: string): Promise<void>;
  denials(): unknown[];
  close(): Promise<void>;
}

export async function startFleetWorld(
  config = fleetConfig(),
  options: { observe?: (request: RequestInfo) => void } = {},
): Promise<FleetWorld> {
  const enforcer = stageEnforcer(config);
  const trusted = FLEET_FUNCTIONS.map(deployedName);
  const role = {
    name: `ec2ops-member-${config.stage}`,
    trusted,
    externalId: EXTERNAL_ID,
    policy: memberRolePolicy(config.stage, config),
  };
  const seeder = { name: SEED_ROLE, trusted: [SANDBOX_CREDENTIALS.accessKeyId], policy: '*' as const };
  const emulator = await startEc2Emulator({
    port: 0,
    log: () => {},
    delays: { instancePending: 0, instanceStopping: 0, instanceShuttingDown: 0 },
    interceptors: [
      (request) => {
        options.observe?.(request);
        return enforcer.interceptor(request);
      },
    ],
    authorizeCall: enforcer.allows,
    accounts: [
      { id: DEV, alias: 'dev', ouId: OU, roles: [role, seeder] },
      { id: PROD, alias: 'prod', roles: [role, seeder] },
    ],
  });
  const clients: { destroy(): void }[] = [];
  const sts = new STSClient({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { ...SANDBOX_CREDENTIALS },
  });
  clients.push(sts);
  return {
    emulator,
    config,
    async admin(account, region) {
      const out = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${account}:role/${SEED_ROLE}`,
          RoleSessionName: 'test-seed',
        }),
      );
      const c = out.Credentials!;
      const client = new EC2Client({
        endpoint: emulator.url,
        region,
        credentials: {
          accessKeyId: c.AccessKeyId!,
          secretAccessKey: c.SecretAccessKey!,
          sessionToken: c.SessionToken!,
        },
      });
      clients.push(client);
      return client;
    },
    fleetAs(fn, clock) {
      const root = build({
        fn: deployedName(fn) as Parameters<typeof build>[0]['fn'],
        env: {},
        clock,
        endpoints: { ec2: emulator.url, sts: emulator.url, organizations: emulator.url },
        region: 'us-east-1',
        credentials: functionCredentials(fn),
      });
      return fleetOf(root, config, { requestId: () => 'test-request', ec2: { retryStrategy: quickRetry() } });
    },
    async breakRole(account) {
      const res = await fetch(`${emulator.url}/_emulator/accounts/${account}/role`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ state: 'missing', name: role.name }),
      });
      if (!res.ok) throw new Error(`could not break the role: ${res.status} ${await res.text()}`);
    },
    denials: () => enforcer.denials(),
    async close() {
      for (const client of clients) client.destroy();
      await emulator.close();
    },
  };
}
