import {
  DescribeOrganizationCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOrganizationalUnit } from '../../src/organizations/api';
import { failure, startTestEmulator, type TestEmulator } from '../ec2/harness';
import { clientsAt } from './support';

/**
 * The emulator's Organizations subset through the real SDK: the hub is the management account,
 * members sit in the OU they were added to, lists page at 20 as AWS does, and a member account's
 * session may not read the organisation.
 */
const HUB = '123456789012';
const WORKLOADS = 'ou-root-workloads1';
const SANDBOXES = 'ou-root-sandboxes';
let t: TestEmulator;
let org: OrganizationsClient;

const member = (n: number) => String(100000000000 + n);

beforeAll(async () => {
  t = await startTestEmulator({
    accounts: [
      {
        id: '111111111111',
        alias: 'dev',
        ouId: WORKLOADS,
        roles: [{ name: 'member', trusted: '*', policy: '*' }],
      },
      { id: '222222222222', alias: 'prod', ouId: WORKLOADS },
      // 23 more in another OU, so listings need more than one page.
      ...Array.from({ length: 23 }, (_, i) => ({
        id: member(i + 1),
        alias: `team-${i + 1}`,
        ouId: SANDBOXES,
      })),
    ],
  });
  addOrganizationalUnit(t.emulator.accounts, { id: WORKLOADS, name: 'workloads', parentId: 'r-root' });
  expect(
    (await t.control('POST', '/_emulator/organization/units', { id: SANDBOXES, name: 'sandboxes' })).status,
  ).toBe(200);
  org = new OrganizationsClient({
    endpoint: t.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});

afterAll(async () => {
  org?.destroy();
  await t?.close();
});

describe('Organizations on the emulator', () => {
  it('describes the organisation with the hub as its management account', async () => {
    const { Organization } = await org.send(new DescribeOrganizationCommand({}));
    expect(Organization?.MasterAccountId).toBe(HUB);
    expect(Organization?.Id).toMatch(/^o-[a-z0-9]{10,32}$/);
  });

  it('lists every account, the management account included, page by page', async () => {
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateListAccounts({ client: org }, {})) {
      pages += 1;
      ids.push(...(page.Accounts ?? []).map((a) => a.Id!));
    }
    expect(pages).toBe(2);
    expect(ids).toHaveLength(26);
    expect(new Set(ids).size).toBe(26);
    expect(ids).toContain(HUB);
  });

  it('lists the OUs under the root and the accounts of one OU only', async () => {
    const { Roots } = await org.send(new ListRootsCommand({}));
    const root = Roots?.[0]?.Id;
    expect(root).toMatch(/^r-[0-9a-z]{4,32}$/);
    const { OrganizationalUnits } = await org.send(
      new ListOrganizationalUnitsForParentCommand({ ParentId: root }),
    );
    expect(OrganizationalUnits?.map((u) => u.Id).sort()).toEqual([WORKLOADS, SANDBOXES].sort());
    const { Accounts } = await org.send(new ListAccountsForParentCommand({ ParentId: WORKLOADS }));
    expect(Accounts?.map((a) => [a.Id, a.Name])).toEqual([
      ['111111111111', 'dev'],
      ['222222222222', 'prod'],
    ]);
    // The hub and nothing else sits directly under the root.
    const direct = await org.send(new ListAccountsForParentCommand({ ParentId: root }));
    expect(direct.Accounts?.map((a) => a.Id)).toEqual([HUB]);
  });

  it('answers an unknown OU with ParentNotFoundException and a malformed one with InvalidInputException', async () => {
    expect(
      (await failure(org.send(new ListAccountsForParentCommand({ ParentId: 'ou-none-abcdefgh' })))).code,
    ).toBe('ParentNotFoundException');
    expect((await failure(org.send(new ListAccountsForParentCommand({ ParentId: 'not-an-ou' })))).code).toBe(
      'InvalidInputException',
    );
  });

  it("refuses a member account's session: only the management account reads its organisation", async () => {
    const clients = clientsAt(t.url);
    const sts = clients.sts('Worker');
    const { Credentials } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::111111111111:role/member',
        RoleSessionName: 'Worker-org',
      }),
    );
    const asMember = clients.organizations(Credentials);
    try {
      expect((await failure(asMember.send(new ListRootsCommand({})))).code).toBe('AccessDeniedException');
    } finally {
      clients.destroy();
    }
  });
});
