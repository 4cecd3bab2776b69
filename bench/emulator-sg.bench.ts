/**
 * The EC2 emulator's security-group rules at the scale of the port-sweep job: 2,000 groups,
 * each with its default egress rule and one permanent ingress rule, plus 500 managed
 * (tagged) temporary rules. Measures DescribeSecurityGroupRules with a server-side tag filter
 * (what the sweeper calls), with a wildcard tag filter, and an unfiltered DescribeSecurityGroups
 * of every group, through @aws-sdk/client-ec2 over loopback HTTP.
 *
 * Run alone: `npx tsx bench/emulator-sg.bench.ts`.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  EC2Client,
  paginateDescribeSecurityGroupRules,
  paginateDescribeSecurityGroups,
} from '@aws-sdk/client-ec2';
import { startEc2Emulator } from '@ec2ops/sandbox/ec2/server';

const GROUPS = 2000;
const MANAGED_RULES = 500;
const ROUNDS = 20;
const CONCURRENCY = 16;

export interface EmulatorSgBenchResult {
  name: string;
  ok: boolean;
  groups: number;
  rules: number;
  managedRules: number;
  seedMs: number;
  /** One full listing of the managed rules (tag:ec2ops:managed=true, 1,000 per page). */
  tagFilterMs: number;
  tagFilterPerSecond: number;
  /** The same with a wildcard on the expiry tag (tag:ec2ops:expires-at=2026-11-23T1*). */
  wildcardMs: number;
  /** Every group with its permissions folded in (DescribeSecurityGroups, 1,000 per page). */
  describeGroupsMs: number;
}

async function inBatches<T>(items: T[], work: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += CONCURRENCY)
    await Promise.all(items.slice(i, i + CONCURRENCY).map(work));
}

async function timeRounds(
  rounds: number,
  once: () => Promise<number>,
): Promise<{ ms: number; count: number }> {
  let count = 0;
  const started = performance.now();
  for (let i = 0; i < rounds; i += 1) count = await once();
  return { ms: (performance.now() - started) / rounds, count };
}

export async function run(): Promise<EmulatorSgBenchResult> {
  const emulator = await startEc2Emulator({ log: () => {} });
  const ec2 = new EC2Client({
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
    maxAttempts: 1,
  });
  try {
    const seedStarted = performance.now();
    const groupIds: string[] = [];
    await inBatches(
      Array.from({ length: GROUPS }, (_, i) => i),
      async (i) => {
        const out = await ec2.send(
          new CreateSecurityGroupCommand({ GroupName: `bench-${i}`, Description: 'bench' }),
        );
        groupIds[i] = out.GroupId!;
      },
    );
    await inBatches(groupIds, (groupId) =>
      ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/8' }] },
          ],
        }),
      ),
    );
    await inBatches(
      Array.from({ length: MANAGED_RULES }, (_, i) => i),
      (i) =>
        ec2.send(
          new AuthorizeSecurityGroupIngressCommand({
            GroupId: groupIds[(i * 4) % GROUPS],
            IpPermissions: [
              {
                IpProtocol: 'tcp',
                FromPort: 22,
                ToPort: 22,
                IpRanges: [{ CidrIp: `192.0.2.${i % 250}/32` }],
              },
            ],
            TagSpecifications: [
              {
                ResourceType: 'security-group-rule',
                Tags: [
                  { Key: 'ec2ops:managed', Value: 'true' },
                  {
                    Key: 'ec2ops:expires-at',
                    Value: `2026-11-23T${String(10 + (i % 10)).padStart(2, '0')}:00:00Z`,
                  },
                ],
              },
            ],
          }),
        ),
    );
    const seedMs = performance.now() - seedStarted;

    const listRules = async (name: string, value: string) => {
      let count = 0;
      for await (const page of paginateDescribeSecurityGroupRules(
        { client: ec2, pageSize: 1000 },
        { Filters: [{ Name: name, Values: [value] }] },
      )) {
        count += page.SecurityGroupRules?.length ?? 0;
      }
      return count;
    };
    const tagged = await timeRounds(ROUNDS, () => listRules('tag:ec2ops:managed', 'true'));
    const wildcard = await timeRounds(ROUNDS, () => listRules('tag:ec2ops:expires-at', '2026-11-23T1*'));
    const groups = await timeRounds(5, async () => {
      let count = 0;
      for await (const page of paginateDescribeSecurityGroups({ client: ec2, pageSize: 1000 }, {})) {
        count += page.SecurityGroups?.length ?? 0;
      }
      return count;
    });
    const rules = GROUPS * 2 + MANAGED_RULES + 2; // + the seeded default group's two rules
    return {
      name: 'emulator: DescribeSecurityGroupRules with a tag filter over 2,000 groups',
      ok: tagged.count === MANAGED_RULES && wildcard.count === MANAGED_RULES && groups.count === GROUPS + 1,
      groups: GROUPS,
      rules,
      managedRules: MANAGED_RULES,
      seedMs: Math.round(seedMs),
      tagFilterMs: Number(tagged.ms.toFixed(1)),
      tagFilterPerSecond: Math.round(1000 / tagged.ms),
      wildcardMs: Number(wildcard.ms.toFixed(1)),
      describeGroupsMs: Number(groups.ms.toFixed(1)),
    };
  } finally {
    ec2.destroy();
    await emulator.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  run().then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exitCode = result.ok ? 0 : 1;
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
