import {
  CreateImageCommand,
  CreateTagsCommand,
  DescribeImagesCommand,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { instancesFor, source } from './fixtures';
import { type Harness, startHarness } from './harness';
import {
  allInstances,
  ec2,
  LAUNCH_CONFIG,
  managedInstance,
  replies,
  setDelays,
  stateOf,
  submitLaunchForm,
  tagsOf,
  volumesOf,
  waitForReply,
} from './launch-fixtures';

/**
 * `/ec2 launch` end to end: signed slash commands (and a modal, and an approval) through the real
 * slack function, SQS and worker, against the EC2 emulator.
 */
let h: Harness;
let al2023x86: string;
beforeAll(async () => {
  h = await startHarness({ config: LAUNCH_CONFIG });
  await setDelays(h, { instancePending: 300 });
  const images = await h.ec2Client.send(
    new DescribeImagesCommand({
      Owners: ['amazon'],
      Filters: [{ Name: 'architecture', Values: ['x86_64'] }],
    }),
  );
  al2023x86 = images.Images![0]!.ImageId!;
});
afterAll(async () => {
  await h?.close();
});
beforeEach(async () => {
  // Each test starts with nobody's instances running, so the per-person limit is not in the way.
  const ids = (await allInstances(h.ec2Client))
    .filter((i) => i.State?.Name !== 'terminated' && i.State?.Name !== 'shutting-down')
    .map((i) => i.InstanceId!);
  if (ids.length) await h.ec2Client.send(new TerminateInstancesCommand({ InstanceIds: ids }));
});

const idsIn = (text: string) => [...new Set(text.match(/\bi-[0-9a-f]{17}/g) ?? [])];

describe('/ec2 launch', () => {
  it('launches an alias with the stage defaults and updates the answer when it runs', async () => {
    const { answer, urlId } = await ec2(h, 'launch al2023 name=web-test', 'UOPERATOR', /Launching/);
    const [id] = idsIn(answer);
    expect(answer).toContain(`t3.micro from al2023 → ${al2023x86}`);
    const running = await waitForReply(h, urlId, /white_check_mark/);
    expect(JSON.parse(running)).toMatchObject({ replace_original: true });
    expect(running).toContain(id);
    expect(running).toMatch(/private 172\.31\.\d+\.\d+/);
    expect(running).toMatch(/subnet subnet-[0-9a-f]+/);

    const [instance] = (await allInstances(h.ec2Client)).filter((i) => i.InstanceId === id);
    expect(instance).toMatchObject({
      InstanceType: 't3.micro',
      ImageId: al2023x86,
      MetadataOptions: { HttpTokens: 'required' },
    });
    expect(instance!.IamInstanceProfile?.Arn).toMatch(/instance-profile\/ec2ops-test-instance$/);
    expect(instance!.KeyName).toBeUndefined();
    const tags = tagsOf(instance!);
    expect(tags).toMatchObject({
      Name: 'web-test',
      'ec2ops:managed': 'true',
      'ec2ops:owner': 'UOPERATOR',
      'ec2ops:stage': 'test',
      'ec2ops:image-alias': 'al2023',
    });
    expect(tags['ec2ops:request-id']).toMatch(/^r-/);
    const ttl = Date.parse(tags['ec2ops:expires-at']!) - Date.now();
    expect(ttl).toBeGreaterThan(7.9 * 3_600_000);
    expect(ttl).toBeLessThanOrEqual(8 * 3_600_000);
    const [root] = await volumesOf(h.ec2Client, id!);
    expect(root).toMatchObject({ VolumeType: 'gp3', Encrypted: true, Size: 12 });
    expect(root!.Attachments?.[0]?.DeleteOnTermination).toBe(true);
    expect(tagsOf(root!)).toEqual(tags);
  });

  it('launches count instances with a name, ttl and the type’s architecture', async () => {
    const { urlId } = await ec2(
      h,
      'launch al2023 type=t4g.small count=2 name=pair ttl=2h',
      'UOPERATOR',
      /Launching/,
    );
    const running = await waitForReply(h, urlId, /2 instances running/);
    const ids = idsIn(running);
    expect(ids).toHaveLength(2);
    const launched = (await allInstances(h.ec2Client)).filter((i) => ids.includes(i.InstanceId!));
    expect(launched.map((i) => [i.InstanceType, i.Architecture, tagsOf(i).Name])).toEqual([
      ['t4g.small', 'arm64', 'pair'],
      ['t4g.small', 'arm64', 'pair'],
    ]);
    const ttl = Date.parse(tagsOf(launched[0]!)['ec2ops:expires-at']!) - Date.now();
    expect(ttl).toBeGreaterThan(1.9 * 3_600_000);
  });

  it('says clearly when an instance did not start', async () => {
    await setDelays(h, { instancePending: 3000 });
    try {
      const { answer, urlId } = await ec2(h, 'launch ubuntu name=doomed', 'UOPERATOR', /Launching/);
      const [id] = idsIn(answer);
      await h.ec2Client.send(new TerminateInstancesCommand({ InstanceIds: [id!] }));
      const failed = await waitForReply(h, urlId, /did not start/);
      expect(failed).toMatch(/shutting-down|terminated/);
    } finally {
      await setDelays(h, { instancePending: 300 });
    }
  });

  it('launches once however often the message is delivered, and says so', async () => {
    // Still pending when the duplicate arrives, so both deliveries run at once.
    await setDelays(h, { instancePending: 600 });
    try {
      const before = (await allInstances(h.ec2Client)).length;
      const { answer, urlId } = await ec2(h, 'launch al2023 name=once', 'UOPERATOR', /Launching/);
      const requestId = /Request (r-[0-9a-f-]+)/.exec(answer)![1]!;
      const stored = h.sqs
        .messages('ec2ops-requests')
        .find((m) => m.body.includes(requestId) && m.body.includes('"kind":"command"'))!;
      h.sqs.injectDuplicate('ec2ops-requests', stored.messageId);
      await waitForReply(h, urlId, /Already launched for this request/);
      await h.sqs.drain();
      expect(await instancesFor(h.ec2Client, `${requestId}:launch`)).toHaveLength(1);
      expect((await allInstances(h.ec2Client)).length).toBe(before + 1);
    } finally {
      await setDelays(h, { instancePending: 300 });
    }
  });

  it('opens a form with the approved images and the role’s types, and launches what it submits', async () => {
    const sent = await h.client.slashCommand('/ec2 launch', { user: 'UOPERATOR', channel: 'C0GENERAL' });
    expect(sent.status).toBe(200);
    const view = h.slack.workspace.views({ user: 'UOPERATOR' }).at(-1)!;
    expect(view.view['callback_id']).toBe('ec2ops:modal:launch');
    const blocks = JSON.stringify(view.view['blocks']);
    expect(blocks).toContain('"value":"al2023"');
    expect(blocks).toContain('"value":"ubuntu"');
    expect(blocks).toContain('"value":"t3.small"');
    expect(blocks).not.toContain('"value":"m7i.xlarge"');
    const before = (await allInstances(h.ec2Client)).length;
    await submitLaunchForm(h, { image: 'ubuntu', type: 't3.small', name: 'from-form', ttl: '4h' });
    await h.sqs.drain();
    const launched = (await allInstances(h.ec2Client)).slice(before);
    expect(launched).toHaveLength(1);
    expect(launched[0]!.InstanceType).toBe('t3.small');
    expect(tagsOf(launched[0]!)).toMatchObject({ Name: 'from-form', 'ec2ops:image-alias': 'ubuntu' });
    const dm = h.slack.workspace.dms().find((d) => d.user === 'UOPERATOR')!;
    expect(h.slack.workspace.messages(dm.channel).some((m) => /running/.test(m.text))).toBe(true);
  });

  it('sends a type beyond the role’s size to approval, and launches it once when approved', async () => {
    const before = (await allInstances(h.ec2Client)).length;
    const { answer } = await ec2(h, 'launch al2023 type=m7g.2xlarge name=big', 'UOPERATOR', /needs approval/);
    expect(answer).toContain('needs approval');
    const message = h.slack.workspace.messages('C0APPROVE').at(-1)!;
    expect(message.text).toContain('m7g.2xlarge is larger than large');
    expect((await allInstances(h.ec2Client)).length).toBe(before);
    const requestId = /request `(r-[0-9a-f-]+)`/.exec(JSON.stringify(message.blocks))![1]!;
    for (let i = 0; i < 2; i += 1) {
      await h.client.blockAction(
        { message: source(message), actionId: `ec2ops:approve:${requestId}` },
        { user: 'UADMIN' },
      );
      await h.sqs.drain();
    }
    const launched = await instancesFor(h.ec2Client, `${requestId}:launch`);
    expect(launched).toHaveLength(1);
    const [instance] = (await allInstances(h.ec2Client)).filter((i) => i.InstanceId === launched[0]);
    expect(instance).toMatchObject({ InstanceType: 'm7g.2xlarge', Architecture: 'arm64' });
    const dm = h.slack.workspace.dms().find((d) => d.user === 'UOPERATOR')!;
    const texts = h.slack.workspace.messages(dm.channel).map((m) => m.text);
    expect(texts.some((t) => t.includes(launched[0]!) && /running|Launching/.test(t))).toBe(true);
  });

  it('refuses more than the per-person limit of running instances', async () => {
    await managedInstance(h.ec2Client, { 'ec2ops:owner': 'UOPERATOR' }, { count: 3 });
    const before = (await allInstances(h.ec2Client)).length;
    const { answer } = await ec2(h, 'launch al2023 count=2', 'UOPERATOR');
    expect(answer).toContain('launch.user-limit');
    expect(answer).toContain('limit of 4 per person');
    expect((await allInstances(h.ec2Client)).length).toBe(before);
  });
});

describe('/ec2 launch refuses bad input and launches nothing', () => {
  let pendingImage: string;
  let ownImage: string;
  beforeAll(async () => {
    const [source] = await managedInstance(h.ec2Client, { Name: 'image-source' });
    for (let i = 0; i < 100 && (await stateOf(h.ec2Client, source!)) !== 'running'; i += 1)
      await new Promise((r) => setTimeout(r, 20));
    await setDelays(h, { instancePending: 300, imagePending: 3_600_000 });
    const made = await h.ec2Client.send(
      new CreateImageCommand({ InstanceId: source!, Name: 'golden-pending', NoReboot: true }),
    );
    pendingImage = made.ImageId!;
    await h.ec2Client.send(
      new CreateTagsCommand({ Resources: [pendingImage], Tags: [{ Key: 'ec2ops:approved', Value: 'true' }] }),
    );
    ownImage = (
      await h.ec2Client.send(
        new CreateImageCommand({ InstanceId: source!, Name: 'not-approved', NoReboot: true }),
      )
    ).ImageId!;
  });

  const cases: [string, string, string, RegExp][] = [
    [
      'unknown image',
      'launch centos',
      'launch.image-unknown',
      /no approved image `centos`[\s\S]*Approved images: `al2023` \(Amazon Linux 2023\), `ubuntu`\./,
    ],
    ['unknown image id', 'launch ami-0123456789abcdef0', 'launch.image-unknown', /no approved image/],
    ['malformed image id', 'launch ami-xyz', 'launch.image-malformed', /not an image id/],
    [
      'malformed type',
      'launch al2023 type=t3micro',
      'launch.type-malformed',
      /not an instance type name[\s\S]*type=t3\.micro/,
    ],
    ['unknown type', 'launch al2023 type=m7g.nano', 'launch.type-unknown', /no instance type `m7g\.nano`/],
    [
      'type the role may not use',
      'launch al2023 type=x2iedn.large',
      'launch.type-not-allowed',
      /not allowed for the operator role/,
    ],
    [
      'type larger than any role',
      'launch al2023 type=m7g.16xlarge',
      'launch.type-too-large',
      /larger than any role/,
    ],
    ['count over the limit', 'launch al2023 count=4', 'launch.count-too-high', /count=3 or fewer/],
    ['TTL over the maximum', 'launch al2023 ttl=3d', 'launch.ttl-too-long', /ttl=1d or less/],
    ['no image', 'launch type=t3.small', 'launch.image-missing', /Which image\?/],
    ['unknown subnet alias', 'launch al2023 subnet=dmz', 'launch.subnet-unknown', /neither a subnet id/],
  ];
  it.each(cases)('%s', async (_, text, code, expected) => {
    const before = (await allInstances(h.ec2Client)).length;
    const { answer } = await ec2(h, text, 'UOPERATOR');
    expect(answer).toContain(code);
    expect(answer).toMatch(expected);
    expect((await allInstances(h.ec2Client)).length).toBe(before);
  });

  it('an image that is not approved, and one not available', async () => {
    const before = (await allInstances(h.ec2Client)).length;
    const own = (await ec2(h, `launch ${ownImage}`, 'UOPERATOR')).answer;
    expect(own).toContain('launch.image-not-approved');
    expect(own).toContain(`/ec2 ami approve ${ownImage}`);
    const publicImage = (await ec2(h, `launch ${al2023x86}`, 'UOPERATOR')).answer;
    expect(publicImage).toContain('launch.image-not-approved');
    const pending = (await ec2(h, `launch ${pendingImage}`, 'UOPERATOR')).answer;
    expect(pending).toContain('launch.image-not-available');
    expect(pending).toContain('is pending, not available');
    expect((await ec2(h, 'launch golden-pending', 'UOPERATOR')).answer).toContain(
      'launch.image-not-available',
    );
    expect((await allInstances(h.ec2Client)).length).toBe(before);
  });

  it('a viewer may not launch', async () => {
    const before = (await allInstances(h.ec2Client)).length;
    const queued = h.sent.length;
    const { answer, urlId } = await ec2(h, 'launch al2023', 'UVIEWER');
    expect(answer).toMatch(/needs the operator role/);
    // Refused by the slack function itself: nothing queued for the worker, so no later reply.
    expect(h.sent.slice(queued).filter((m) => m.kind === 'command')).toEqual([]);
    await h.sqs.drain();
    expect(replies(h, urlId)).toEqual([]);
    expect((await allInstances(h.ec2Client)).length).toBe(before);
  });
});
