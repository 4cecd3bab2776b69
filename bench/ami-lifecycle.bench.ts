/**
 * The AMI lifecycle at scale: 200 managed sources tagged bake=nightly, `bake.copyTo` two DR
 * regions and `deprecateAfter`, run as the real job against the EC2 emulator. Night 1 bakes 200
 * images; night 2 (measured) marks them available, deprecates them, copies each to both DR
 * regions and bakes again. Reports the EC2 calls by action against the minimum EC2 allows:
 * CreateImage, CopyImage and EnableImageDeprecation have no batch form (one call per image and
 * region), marking available is one CreateTags per 1,000 images, and each region needs one
 * describe per kind it reads (instances, images, snapshots, launch templates; image users where
 * it has images) plus the bake's re-read before baking. `ratio` = calls / minimum.
 */
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { parseStageConfig } from '@ec2ops/core';
import { ec2ClientsByRegion } from '@ec2ops/functions/ec2/client';
import { runJob } from '@ec2ops/functions/jobs/registry';
import { startEc2Emulator } from '@ec2ops/sandbox/ec2/server';

const HOME = 'us-east-1';
const DR = ['eu-west-1', 'us-west-2'];
const SOURCES = 200;
const DAY = 86_400_000;

export interface AmiLifecycleBenchResult {
  name: string;
  ok: boolean;
  sources: number;
  copyRegions: number;
  calls: Record<string, number>;
  callTotal: number;
  minimum: number;
  ratio: number;
  done: Record<string, number>;
  failed: number;
  wallMs: number;
}

export async function run(): Promise<AmiLifecycleBenchResult> {
  const emulator = await startEc2Emulator({
    delays: { instancePending: 0, imagePending: 0, snapshotPending: 0 },
    log: () => {},
  });
  try {
    const clients = ec2ClientsByRegion({
      endpoint: emulator.url,
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'x' },
    });
    const home = clients(HOME);
    const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
    const publicImage = (await home.send(new DescribeImagesCommand({ Owners: ['amazon'] }))).Images![0]!
      .ImageId!;
    await home.send(
      new RunInstancesCommand({
        ImageId: publicImage,
        MinCount: SOURCES,
        MaxCount: SOURCES,
        InstanceType: 't3.micro',
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [
              { Key: 'ec2ops:managed', Value: 'true' },
              { Key: 'ec2ops:bake', Value: 'nightly' },
            ],
          },
        ],
      }),
    );
    const config = parseStageConfig({
      stage: 'bench',
      production: true,
      regions: [HOME],
      bake: {
        retention: { count: 7 },
        deprecateAfter: '30d',
        concurrency: 16,
        copyTo: DR.map((region) => ({ region })),
      },
    });
    const clock = Date.parse((await (await fetch(`${emulator.url}/_emulator/clock`)).json()).now as string);
    const night1 = new Date(Math.floor(clock / DAY) * DAY + DAY + 3 * 3_600_000);
    const deps = { ec2: clients, config, dryRun: false, pacing: { burst: 1000, perSecond: 1000 } };
    await runJob('ami-bake', { ...deps, now: night1 });
    // The night-1 images become available as the emulator's clock passes.
    await fetch(`${emulator.url}/_emulator/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ seconds: 60 }),
    });

    const report = await runJob('ami-bake', { ...deps, now: new Date(night1.getTime() + DAY) });
    const calls = report.api?.calls ?? {};
    const callTotal = Object.values(calls).reduce((a, b) => a + b, 0);
    const done: Record<string, number> = {};
    for (const [action, counts] of Object.entries(report.counts.byAction)) done[action] = counts.done;
    const regions = 1 + DR.length;
    const minimum =
      SOURCES + // CreateImage: tonight's bakes
      SOURCES * DR.length + // CopyImage: last night's images to each DR region
      SOURCES + // EnableImageDeprecation: last night's images
      Math.ceil(SOURCES / 1000) + // CreateTags: mark available
      4 * regions + // one describe per kind read in each region: instances, images, snapshots, launch templates
      1 + // DescribeInstances: who uses the home region's images (the DR regions have none yet)
      1; // DescribeImages: the re-read before baking
    return {
      name: 'ami-lifecycle',
      ok:
        report.counts.failed === 0 &&
        (done['copy'] ?? 0) === SOURCES * DR.length &&
        (done['bake'] ?? 0) === SOURCES &&
        (done['deprecate'] ?? 0) === SOURCES,
      sources: SOURCES,
      copyRegions: DR.length,
      calls,
      callTotal,
      minimum,
      ratio: Math.round((callTotal / minimum) * 1000) / 1000,
      done,
      failed: report.counts.failed,
      wallMs: report.api?.wallMs ?? 0,
    };
  } finally {
    await emulator.close();
  }
}
