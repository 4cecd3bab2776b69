import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import type { StageConfig } from '@ec2ops/core/config';
import type { EC2Client } from '../ec2/client';
import { type Ec2ClientOptions, ec2Client } from '../ec2/client';
import { awsClientSettings, type Root } from '../root';
import { assumeRoleCredentials, type CredentialsFor, roleSessionName } from './credentials';
import { type Target, type TargetResolver, targetKey, targetResolver } from './targets';

/** Where a call goes: an account (alias target) and one of its regions. */
export interface Where {
  target: Target;
  region: string;
}

/** The EC2 client of an account and region; one per pair, built on first use. */
export type ClientsFor = (where: Where) => EC2Client;

export interface Fleet {
  targets: TargetResolver;
  clientsFor: ClientsFor;
  credentials: CredentialsFor;
  /** Closes every client (tests, the CLI); a Lambda keeps them for its life. */
  destroy(): void;
}

/**
 * The root's fleet: the stage's targets, and an EC2 client per (account, region) that signs with
 * the hub's own credentials in the hub account and with the member role's in a member account.
 * Each pair has its own client, hence its own adaptive-retry bucket: EC2 throttles per account and
 * region, so one account's throttling never slows another's calls.
 */
export function fleetOf(
  root: Root,
  config: StageConfig,
  options: {
    /** This invocation's request id, for the role session name (CloudTrail in the member account). */
    requestId?: () => string;
    ec2?: Pick<Ec2ClientOptions, 'retryStrategy'>;
  } = {},
): Fleet {
  const sts = new STSClient({
    region: root.region ?? config.regions[0],
    ...awsClientSettings(root, root.endpoints.sts),
  });
  const organizations = config.organization
    ? new OrganizationsClient({
        // Organizations is global; its endpoint lives in us-east-1.
        ...awsClientSettings(root, root.endpoints.organizations),
        region: 'us-east-1',
      })
    : undefined;
  const now = () => root.clock.now();
  const credentials = assumeRoleCredentials({
    sts,
    now,
    sessionName: () => roleSessionName(root.fn, options.requestId?.() ?? 'run'),
  });
  const clients = new Map<string, EC2Client>();
  const clientsFor: ClientsFor = ({ target, region }) => {
    const key = `${targetKey(target)}|${region}`;
    let client = clients.get(key);
    if (!client) {
      client = ec2Client(region, {
        endpoint: root.endpoints.ec2,
        credentials: target.roleArn ? credentials(target) : root.credentials,
        retryStrategy: options.ec2?.retryStrategy,
      });
      clients.set(key, client);
    }
    return client;
  };
  return {
    targets: targetResolver(config, { organizations, now }),
    clientsFor,
    credentials,
    destroy() {
      for (const client of clients.values()) client.destroy();
      sts.destroy();
      organizations?.destroy();
    },
  };
}
