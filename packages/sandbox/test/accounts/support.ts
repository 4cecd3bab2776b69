import { EC2Client } from '@aws-sdk/client-ec2';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { type Credentials, STSClient } from '@aws-sdk/client-sts';

/** What an SDK client signs with: a long-term key's name, or the credentials AssumeRole gave. */
export type Signer = string | Credentials | undefined;

function credentialsOf(signer: Signer): {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
} {
  if (typeof signer === 'string') return { accessKeyId: signer, secretAccessKey: 'secret' };
  return {
    accessKeyId: signer?.AccessKeyId ?? '',
    secretAccessKey: signer?.SecretAccessKey ?? '',
    sessionToken: signer?.SessionToken ?? '',
  };
}

/** SDK clients against one emulator, one attempt each (errors surface at once), destroyed together. */
export function clientsAt(url: string) {
  const made: Array<{ destroy(): void }> = [];
  const keep = <T extends { destroy(): void }>(client: T): T => {
    made.push(client);
    return client;
  };
  const base = (signer: Signer, region = 'us-east-1') => ({
    endpoint: url,
    region,
    credentials: credentialsOf(signer),
    maxAttempts: 1,
  });
  return {
    sts: (signer: Signer) => keep(new STSClient(base(signer))),
    ec2: (signer: Signer, region?: string) => keep(new EC2Client(base(signer, region))),
    organizations: (signer: Signer) => keep(new OrganizationsClient(base(signer))),
    destroy: () => {
      for (const client of made.splice(0)) client.destroy();
    },
  };
}
