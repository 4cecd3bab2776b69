import {
  DescribeImagesCommand,
  DescribeInstancesCommand,
  DescribeVolumesCommand,
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { StageConfigInput } from '@ec2ops/core/config';
import { tagsOf as tagList } from '@ec2ops/functions/ec2/tags';
import type { Harness } from './harness';
import { TEST_CONFIG } from './harness';

/** The harness stage with launch settings: aliases over the emulator's seeded public images. */
export const LAUNCH_CONFIG: StageConfigInput = {
  ...TEST_CONFIG,
  launch: {
    maxTtl: '1d',
    maxCount: 3,
    maxRunningPerUser: 4,
    waitSeconds: 5,
    images: {
      aliases: {
        al2023: { owner: 'amazon', name: 'al2023-ami-2023.*-kernel-6.1-*', description: 'Amazon Linux 2023' },
        ubuntu: { owner: '099720109477', name: 'ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-*-server-*' },
      },
    },
    instanceProfile: 'ec2ops-test-instance',
    rootVolumeGiB: 12,
  },
  reaper: { action: 'stop', warnBefore: '1h' },
};

export async function setDelays(h: Harness, delays: Record<string, number>): Promise<void> {
  await fetch(`${h.ec2.url}/_emulator/delays`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(delays),
  });
}

/** Every instance the emulator has (any state), for "nothing was launched" checks. */
export async function allInstances(ec2: EC2Client): Promise<Instance[]> {
  const out = await ec2.send(new DescribeInstancesCommand({}));
  return (out.Reservations ?? []).flatMap((r) => r.Instances ?? []);
}

export function tagsOf(resource: { Tags?: Tag[] }): Record<string, string> {
  return tagList(resource.Tags);
}

export async function volumesOf(ec2: EC2Client, instanceId: string) {
  const out = await ec2.send(
    new DescribeVolumesCommand({ Filters: [{ Name: 'attachment.instance-id', Values: [instanceId] }] }),
  );
  return out.Volumes ?? [];
}

/** The replies (payload JSON) posted to a response_url so far. */
export function replies(h: Harness, urlId: string): string[] {
  return (h.slack.workspace.responseUrl(urlId)?.replies ?? [])
    .filter((r) => r.outcome === 'ok')
    .map((r) => JSON.stringify(r.payload));
}

/** Waits until a reply to the response_url matches; returns it. */
export async function waitForReply(
  h: Harness,
  urlId: string,
  match: RegExp,
  timeoutMs = 8000,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = replies(h, urlId).find((r) => match.test(r));
    if (found) return found;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no reply matching ${match} on ${urlId}: ${JSON.stringify(replies(h, urlId))}`);
}

/**
 * Sends `/ec2 <text>` and returns its answer: the slack function's own refusal, or the first
 * worker reply matching `match` (default: any).
 */
export async function ec2(
  h: Harness,
  text: string,
  user: string,
  match = /./,
): Promise<{ answer: string; urlId: string }> {
  const queued = h.sent.length;
  const sent = await h.client.slashCommand(`/ec2 ${text}`, { user, channel: 'C0GENERAL' });
  const urlId = sent.responseUrl!.id;
  const immediate = sent.json as { text?: string } | undefined;
  if (immediate?.text && !h.sent.slice(queued).some((m) => m.kind === 'command')) {
    return { answer: JSON.stringify(immediate), urlId };
  }
  return { answer: await waitForReply(h, urlId, match), urlId };
}

/** A managed instance launched straight through EC2 (not through Slack), for list/stop/… tests. */
export async function managedInstance(
  ec2: EC2Client,
  tags: Record<string, string>,
  options: { count?: number; managed?: boolean } = {},
): Promise<string[]> {
  const images = await ec2.send(
    new DescribeImagesCommand({
      Owners: ['amazon'],
      Filters: [{ Name: 'architecture', Values: ['x86_64'] }],
    }),
  );
  const all = { ...(options.managed === false ? {} : { 'ec2ops:managed': 'true' }), ...tags };
  const out = await ec2.send(
    new RunInstancesCommand({
      ImageId: images.Images![0]!.ImageId!,
      InstanceType: 't3.micro',
      MinCount: options.count ?? 1,
      MaxCount: options.count ?? 1,
      TagSpecifications: [
        { ResourceType: 'instance', Tags: Object.entries(all).map(([Key, Value]) => ({ Key, Value })) },
      ],
    }),
  );
  return (out.Instances ?? []).map((i) => i.InstanceId!);
}

export async function stateOf(ec2: EC2Client, id: string): Promise<string | undefined> {
  const out = await ec2.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name;
}

/** Submits the open launch form of UOPERATOR as Slack sends it: selects and a Name text field. */
export async function submitLaunchForm(
  h: Harness,
  fields: { image: string; type: string; name: string; ttl: string },
) {
  const view = h.slack.workspace.views({ user: 'UOPERATOR' }).at(-1)!;
  const select = (value: string) => ({ type: 'static_select', selected_option: { value } });
  return h.client.viewSubmission(
    {
      id: view.id,
      callback_id: 'ec2ops:modal:launch',
      private_metadata: String(view.view['private_metadata']),
      values: {
        image: { image: select(fields.image) },
        type: { type: select(fields.type) },
        name: { name: { type: 'plain_text_input', value: fields.name } },
        ttl: { ttl: select(fields.ttl) },
      },
    },
    { user: 'UOPERATOR' },
  );
}
