import { CreateImageCommand, CreateTagsCommand, DescribeImagesCommand, type Tag } from '@aws-sdk/client-ec2';
import { parseStageConfig } from '@ec2ops/core/config';
import { EXECUTORS } from '@ec2ops/functions/worker/executors/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerTo, executorContext, queuedRequest } from './fixtures';
import { type Harness, startHarness, TEST_CONFIG } from './harness';
import { managedInstance } from './launch-fixtures';

/**
 * `/ec2 ami …` end to end: a signed slash command to the real slack function, through the SQS
 * emulator to the real worker and executors, against the EC2 emulator; answers are read from
 * the Slack emulator's response_url records.
 */
let h: Harness;
let publicImage: string;
beforeAll(async () => {
  h = await startHarness({
    config: {
      ...TEST_CONFIG,
      roles: {
        users: { UVIEWER: 'viewer', UOPERATOR: 'operator', UADMIN: 'admin' },
        groups: {},
        bootstrapAdmins: [],
      },
    },
  });
  // Instances run at once, so they can be imaged straight away.
  await fetch(`${h.ec2.url}/_emulator/delays`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ instancePending: 0 }),
  });
  const images = await h.ec2Client.send(new DescribeImagesCommand({ Owners: ['amazon'] }));
  publicImage = images.Images![0]!.ImageId!;
});
afterAll(async () => {
  await h?.close();
});

/** Sends the command and waits for the worker's (or the slack function's) answer text. */
async function ec2(text: string, user: string): Promise<string> {
  const queued = h.sent.length;
  const sent = await h.client.slashCommand(`/ec2 ${text}`, { user, channel: 'C0GENERAL' });
  return JSON.stringify((await answerTo(h, sent, queued)).payload);
}

/** RunInstances fixture: one instance with exactly these tags, its id. */
async function instance(tags: Record<string, string>): Promise<string> {
  return (await managedInstance(h.ec2Client, tags, { managed: false }))[0]!;
}

/** A managed instance owned by `owner` (UOPERATOR unless said), its id. */
async function owned(tags: Record<string, string>, owner = 'UOPERATOR'): Promise<string> {
  return (await managedInstance(h.ec2Client, { ...tags, 'ec2ops:owner': owner }))[0]!;
}

async function selfImageCount(): Promise<number> {
  return (await h.ec2Client.send(new DescribeImagesCommand({ Owners: ['self'] }))).Images?.length ?? 0;
}

async function imageTags(imageId: string): Promise<Record<string, string>> {
  const out = await h.ec2Client.send(new DescribeImagesCommand({ ImageIds: [imageId] }));
  return Object.fromEntries((out.Images?.[0]?.Tags ?? []).map((t: Tag) => [t.Key!, t.Value!]));
}

async function imagesOf(source: string): Promise<string[]> {
  const out = await h.ec2Client.send(
    new DescribeImagesCommand({
      Owners: ['self'],
      Filters: [{ Name: 'tag:ec2ops:source-instance', Values: [source] }],
    }),
  );
  return (out.Images ?? []).map((i) => i.ImageId!);
}

describe('/ec2 ami bake', () => {
  it('bakes one image of a named instance with the nightly name and tags', async () => {
    const id = await owned({ Name: 'web-builder' });
    const answer = await ec2('ami bake web-builder', 'UOPERATOR');
    const imageId = /ami-[0-9a-f]{8,17}/.exec(answer)?.[0];
    expect(answer).toContain(`Baking ${imageId} (web-builder-`);
    expect(await imagesOf(id)).toEqual([imageId]);
    expect(await imageTags(imageId!)).toMatchObject({
      'ec2ops:managed': 'true',
      'ec2ops:source-instance': id,
      'ec2ops:stage': 'test',
    });
  });

  it('refuses an unknown instance and a viewer, changing nothing', async () => {
    const before = await h.ec2Client.send(new DescribeImagesCommand({ Owners: ['self'] }));
    expect(await ec2('ami bake no-such-box', 'UOPERATOR')).toContain('No instance no-such-box');
    expect(await ec2('ami bake i-0123456789abcdef0', 'UVIEWER')).toMatch(/operator/);
    const after = await h.ec2Client.send(new DescribeImagesCommand({ Owners: ['self'] }));
    expect(after.Images?.length).toBe(before.Images?.length);
  });

  it('bakes once per request, however often the request is delivered', async () => {
    const id = await owned({ Name: 'redelivered' });
    const config = parseStageConfig({ stage: 'test', regions: ['us-east-1'] });
    const request = queuedRequest({
      id: 'r-0000redelivered',
      command: 'ami bake',
      args: { instance: id },
      text: `ami bake ${id}`,
    });
    const ctx = executorContext(request, config, h.workerEc2Client);
    const first = await EXECUTORS['ami bake']!(ctx);
    const second = await EXECUTORS['ami bake']!(ctx);
    const images = await imagesOf(id);
    expect(images.length).toBe(1);
    expect(first.text).toContain(`Baking ${images[0]}`);
    expect(second.text).toContain(`Already baking ${images[0]}`);
  });

  it('follows stop/terminate ownership: an operator bakes only their own managed instances', async () => {
    const before = await selfImageCount();
    const others = await owned({ Name: 'someone-elses' }, 'UADMIN');
    const database = await instance({ Name: 'prod-db' });
    expect(await ec2(`ami bake ${others}`, 'UOPERATOR')).toContain('instance.not-owner');
    expect(await ec2('ami bake prod-db', 'UOPERATOR')).toContain('instance.unmanaged');
    expect(await selfImageCount()).toBe(before);
    expect(await imagesOf(database)).toEqual([]);
  });

  it('lets an admin bake any managed instance, but no unmanaged one', async () => {
    const theirs = await owned({ Name: 'operators-box' });
    await instance({ Name: 'legacy-db' });
    expect(await ec2(`ami bake ${theirs}`, 'UADMIN')).toContain('Baking ami-');
    const before = await selfImageCount();
    expect(await ec2('ami bake legacy-db', 'UADMIN')).toContain('instance.unmanaged');
    expect(await selfImageCount()).toBe(before);
  });

  it('refuses an ambiguous Name', async () => {
    await instance({ Name: 'twin' });
    await instance({ Name: 'twin' });
    expect(await ec2('ami bake twin', 'UOPERATOR')).toMatch(/2 instances are named twin/);
  });
});

describe('/ec2 ami approve and revoke', () => {
  let imageId: string;
  beforeAll(async () => {
    const id = await instance({ Name: 'approvable' });
    const out = await h.ec2Client.send(
      new CreateImageCommand({
        InstanceId: id,
        Name: `approvable-${id}`,
        TagSpecifications: [
          {
            ResourceType: 'image',
            Tags: [
              { Key: 'ec2ops:managed', Value: 'true' },
              { Key: 'ec2ops:source-instance', Value: id },
            ],
          },
        ],
      }),
    );
    imageId = out.ImageId!;
  });

  it('approves an image for an admin, twice without harm, and revokes it', async () => {
    expect(await ec2(`ami approve ${imageId}`, 'UADMIN')).toContain(`Approved ${imageId}`);
    expect((await imageTags(imageId))['ec2ops:approved']).toBe('true');
    expect(await ec2(`ami approve ${imageId}`, 'UADMIN')).toContain('already approved');
    expect(await ec2(`ami revoke ${imageId}`, 'UADMIN')).toContain(`Revoked ${imageId}`);
    expect((await imageTags(imageId))['ec2ops:approved']).toBeUndefined();
    expect(await ec2(`ami revoke ${imageId}`, 'UADMIN')).toContain('not approved');
  });

  it('refuses a malformed or unknown image id, and an operator, changing nothing', async () => {
    expect(await ec2('ami approve ami-xyz', 'UADMIN')).toMatch(/image id such as ami-0123456789abcdef0/);
    expect(await ec2('ami approve ami-0123456789abcdef0', 'UADMIN')).toContain(
      'No image ami-0123456789abcdef0',
    );
    expect(await ec2(`ami approve ${imageId}`, 'UOPERATOR')).toMatch(/admin/);
    expect((await imageTags(imageId))['ec2ops:approved']).toBeUndefined();
  });

  it('refuses to approve an image another account owns', async () => {
    expect(await ec2(`ami approve ${publicImage}`, 'UADMIN')).toContain('belongs to another account');
  });
});

describe('/ec2 ami list', () => {
  it('lists images by source with state, age, approval and use', async () => {
    const id = await instance({ Name: 'listed' });
    const out = await h.ec2Client.send(
      new CreateImageCommand({
        InstanceId: id,
        Name: `listed-${id}`,
        TagSpecifications: [
          {
            ResourceType: 'image',
            Tags: [
              { Key: 'ec2ops:managed', Value: 'true' },
              { Key: 'ec2ops:source-instance', Value: id },
              { Key: 'ec2ops:baked-at', Value: new Date(Date.now() - 3 * 86_400_000).toISOString() },
            ],
          },
        ],
      }),
    );
    await h.ec2Client.send(
      new CreateTagsCommand({ Resources: [out.ImageId!], Tags: [{ Key: 'ec2ops:approved', Value: 'true' }] }),
    );
    const answer = await ec2('ami list listed', 'UVIEWER');
    expect(answer).toContain(out.ImageId!);
    expect(answer).toContain(`${id} (us-east-1)`);
    expect(answer).toMatch(/3d old, approved, not in use/);
    expect(await ec2('ami list nobody-here', 'UVIEWER')).toContain('No baked images of nobody-here');
  });
});
