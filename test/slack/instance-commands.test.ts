import { CreateTagsCommand, DescribeInstancesCommand } from '@aws-sdk/client-ec2';
import { parseStageConfig } from '@ec2ops/core/config';
import { EXECUTORS } from '@ec2ops/functions/worker/executors/index';
import type { SourceMessage } from '@ec2ops/sandbox/slack/payloads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executorContext, queuedRequest } from './fixtures';
import { type Harness, startHarness } from './harness';
import {
  ec2,
  LAUNCH_CONFIG,
  managedInstance,
  setDelays,
  stateOf,
  tagsOf,
  waitForReply,
} from './launch-fixtures';

/** `/ec2 list|stop|start|terminate|extend` end to end, against instances in the EC2 emulator. */
let h: Harness;
beforeAll(async () => {
  // Room for the instances these tests give UOPERATOR; the last test fills it up.
  h = await startHarness({
    config: { ...LAUNCH_CONFIG, launch: { ...LAUNCH_CONFIG.launch, maxRunningPerUser: 10 } },
  });
  await setDelays(h, { instancePending: 0, instanceStopping: 0, instanceShuttingDown: 0 });
});
afterAll(async () => {
  await h?.close();
});

const HOUR = 3_600_000;
const inHours = (n: number) => new Date(Date.now() + n * HOUR).toISOString();
const mine = (owner: string, extra: Record<string, string> = {}) => ({
  'ec2ops:owner': owner,
  'ec2ops:expires-at': inHours(2),
  ...extra,
});

async function expiresAt(id: string): Promise<string | undefined> {
  const out = await h.ec2Client.send(new DescribeInstancesCommand({ InstanceIds: [id] }));
  return tagsOf(out.Reservations![0]!.Instances![0]!)['ec2ops:expires-at'];
}

async function waitForState(id: string, state: string): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    if ((await stateOf(h.ec2Client, id)) === state) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${id} never became ${state}`);
}

describe('/ec2 list', () => {
  it('shows managed instances to a viewer: state, type, image, owner, IPs and time left', async () => {
    const [id] = await managedInstance(
      h.ec2Client,
      mine('UOPERATOR', { Name: 'listed-box', 'ec2ops:image-alias': 'al2023' }),
    );
    await managedInstance(h.ec2Client, { Name: 'not-managed' }, { managed: false });
    await waitForState(id!, 'running');
    const { answer } = await ec2(h, 'list', 'UVIEWER');
    expect(answer).toContain(`*listed-box* \`${id}\` — *running* · t3.micro · al2023 ami-`);
    expect(answer).toContain('<@UOPERATOR>');
    expect(answer).toMatch(/172\.31\.\d+\.\d+ \/ \d+\.\d+\.\d+\.\d+/);
    expect(answer).toMatch(/ (1h5\dm|2h) left/);
    expect(answer).not.toContain('not-managed');
  });

  it('filters by owner and state', async () => {
    const [stopped] = await managedInstance(h.ec2Client, mine('UADMIN', { Name: 'admin-box' }));
    await waitForState(stopped!, 'running');
    await ec2(h, 'stop admin-box', 'UADMIN', /Stopping/);
    await waitForState(stopped!, 'stopped');
    expect((await ec2(h, 'list mine', 'UOPERATOR')).answer).not.toContain('admin-box');
    const onlyStopped = (await ec2(h, 'list all state=stopped', 'UVIEWER')).answer;
    expect(onlyStopped).toContain('admin-box');
    expect(onlyStopped).not.toContain('listed-box');
  });

  it('pages a long list 25 rows at a time, saying which rows it shows', async () => {
    await managedInstance(h.ec2Client, mine('UPAGER', { Name: 'many' }), { count: 60 });
    const { answer } = await ec2(h, 'list all', 'UVIEWER');
    const total = Number(/Managed instances: (\d+)/.exec(answer)![1]);
    expect(total).toBeGreaterThanOrEqual(60);
    expect(answer).toContain(`rows 1–25 of ${total} · page 1 of ${Math.ceil(total / 25)}`);
    expect(answer).toContain('ec2ops:run:page-2');
  });
});

describe('/ec2 stop and start', () => {
  it('stops and starts the owner’s own instance by Name', async () => {
    const [id] = await managedInstance(h.ec2Client, mine('UOPERATOR', { Name: 'own-box' }));
    await waitForState(id!, 'running');
    expect((await ec2(h, 'stop own-box', 'UOPERATOR')).answer).toContain(`Stopping ${id} (own-box)`);
    await waitForState(id!, 'stopped');
    expect((await ec2(h, `stop ${id}`, 'UOPERATOR')).answer).toContain('is already stopped');
    expect((await ec2(h, 'start own-box', 'UOPERATOR')).answer).toContain(`Starting ${id} (own-box)`);
    await waitForState(id!, 'running');
  });

  it('refuses someone else’s instance, and lets an admin act on any managed one', async () => {
    const [id] = await managedInstance(h.ec2Client, mine('UADMIN', { Name: 'theirs' }));
    await waitForState(id!, 'running');
    const refused = (await ec2(h, 'stop theirs', 'UOPERATOR')).answer;
    expect(refused).toContain('instance.not-owner');
    expect(refused).toContain('belongs to <@UADMIN>');
    expect(await stateOf(h.ec2Client, id!)).toBe('running');
    const [other] = await managedInstance(h.ec2Client, mine('UOPERATOR', { Name: 'operators' }));
    await waitForState(other!, 'running');
    expect((await ec2(h, 'stop operators', 'UADMIN2')).answer).toContain('Stopping');
  });

  it('refuses an unmanaged instance to everyone, admins included, and leaves it running', async () => {
    const [id] = await managedInstance(h.ec2Client, { Name: 'legacy' }, { managed: false });
    await waitForState(id!, 'running');
    expect((await ec2(h, 'stop legacy', 'UOPERATOR')).answer).toContain('instance.unmanaged');
    expect((await ec2(h, 'stop legacy', 'UADMIN')).answer).toContain('instance.unmanaged');
    expect((await ec2(h, 'terminate legacy', 'UADMIN')).answer).toContain('instance.unmanaged');
    expect(await stateOf(h.ec2Client, id!)).toBe('running');
  });

  it('refuses malformed and unknown instance ids', async () => {
    const malformed = (await ec2(h, 'stop i-xyz', 'UOPERATOR')).answer;
    expect(malformed).toContain('instance.malformed-id');
    const unknown = (await ec2(h, 'stop i-0123456789abcdef0', 'UOPERATOR')).answer;
    expect(unknown).toContain('instance.not-found');
    expect((await ec2(h, 'start no-such-name', 'UOPERATOR')).answer).toContain('instance.not-found');
  });

  it('needs the operator role', async () => {
    expect((await ec2(h, 'stop own-box', 'UVIEWER')).answer).toMatch(/needs the operator role/);
  });
});

describe('/ec2 terminate', () => {
  it('asks for confirmation first and terminates only on the button', async () => {
    const [id] = await managedInstance(h.ec2Client, mine('UOPERATOR', { Name: 'doomed' }));
    await waitForState(id!, 'running');
    const { answer } = await ec2(h, 'terminate doomed', 'UOPERATOR');
    expect(answer).toContain(`Terminate ${id} (doomed)`);
    expect(answer).toContain(`"value":"terminate ${id} confirm=yes"`);
    expect(answer).toContain('"confirm":{');
    expect(await stateOf(h.ec2Client, id!)).toBe('running');

    const payload = JSON.parse(answer) as { text: string; blocks: SourceMessage['blocks'] };
    const click = await h.client.blockAction(
      {
        message: { ts: '1.000001', text: payload.text, blocks: payload.blocks, ephemeral: true },
        actionId: `ec2ops:run:terminate-${id}`,
      },
      { user: 'UOPERATOR' },
    );
    const done = await waitForReply(h, click.responseUrl!.id, /Terminating/);
    expect(JSON.parse(done)).toMatchObject({ replace_original: true });
    await waitForState(id!, 'terminated');
  });

  it('refuses someone else clicking the button on an instance that is not theirs', async () => {
    const [id] = await managedInstance(h.ec2Client, mine('UADMIN', { Name: 'kept-alive' }));
    await waitForState(id!, 'running');
    const refused = (await ec2(h, `terminate ${id} confirm=yes`, 'UOPERATOR')).answer;
    expect(refused).toContain('instance.not-owner');
    expect(await stateOf(h.ec2Client, id!)).toBe('running');
  });
});

describe('/ec2 extend', () => {
  it('pushes the expiry by the duration', async () => {
    const [id] = await managedInstance(h.ec2Client, mine('UOPERATOR', { Name: 'extend-me' }));
    const before = Date.parse((await expiresAt(id!))!);
    expect((await ec2(h, 'extend extend-me 4h', 'UOPERATOR')).answer).toContain(`Extended ${id} (extend-me)`);
    expect(Date.parse((await expiresAt(id!))!) - before).toBe(4 * HOUR);
  });

  it('refuses beyond the stage’s maximum TTL, and on someone else’s or an unmanaged instance', async () => {
    const [id] = await managedInstance(h.ec2Client, mine('UOPERATOR', { Name: 'too-far' }));
    const before = await expiresAt(id!);
    const refused = (await ec2(h, 'extend too-far 23h', 'UOPERATOR')).answer;
    expect(refused).toContain('extend.too-long');
    expect(refused).toMatch(/Extend by 2[12]h(\d+m)? at most/);
    expect(await expiresAt(id!)).toBe(before);
    expect((await ec2(h, 'extend too-far 1h', 'UVIEWER')).answer).toMatch(/needs the operator role/);
    expect((await ec2(h, 'extend too-far 1h', 'UADMIN2')).answer).toContain('Extended');
    const [legacy] = await managedInstance(h.ec2Client, { Name: 'legacy-2' }, { managed: false });
    expect((await ec2(h, `extend ${legacy} 1h`, 'UADMIN')).answer).toContain('instance.unmanaged');
  });

  it('extends once per request, however often it is delivered', async () => {
    const [id] = await managedInstance(h.ec2Client, mine('UOPERATOR', { Name: 'extend-once' }));
    const before = Date.parse((await expiresAt(id!))!);
    const config = parseStageConfig(LAUNCH_CONFIG);
    const request = queuedRequest({
      id: 'r-0000extendonce',
      command: 'extend',
      args: { instance: id, duration: HOUR },
      text: `extend ${id} 1h`,
    });
    const ctx = executorContext(request, config, h.ec2Client);
    await EXECUTORS['extend']!(ctx);
    const second = await EXECUTORS['extend']!(ctx);
    expect(second.text).toContain('already extended by this request');
    expect(Date.parse((await expiresAt(id!))!) - before).toBe(HOUR);
  });

  it('starting an instance past its TTL says the reaper will stop it and offers Extend', async () => {
    const [id] = await managedInstance(h.ec2Client, mine('UOPERATOR', { Name: 'expired-box' }));
    await waitForState(id!, 'running');
    await ec2(h, `stop ${id}`, 'UOPERATOR', /Stopping/);
    await waitForState(id!, 'stopped');
    await h.ec2Client.send(
      new CreateTagsCommand({
        Resources: [id!],
        Tags: [{ Key: 'ec2ops:expires-at', Value: new Date(Date.now() - HOUR).toISOString() }],
      }),
    );
    const answer = (await ec2(h, `start ${id}`, 'UOPERATOR')).answer;
    expect(answer).toContain('the reaper stops it again');
    expect(answer).toContain(`"value":"extend ${id} 2h"`);
  });
});

describe('/ec2 start and the per-person limit', () => {
  it('refuses to start an instance that would pass the owner’s limit of running instances', async () => {
    const [stopped] = await managedInstance(h.ec2Client, mine('UOPERATOR', { Name: 'one-too-many' }));
    await waitForState(stopped!, 'running');
    await ec2(h, `stop ${stopped}`, 'UOPERATOR', /Stopping/);
    await waitForState(stopped!, 'stopped');
    await managedInstance(h.ec2Client, mine('UOPERATOR', { Name: 'filler' }), { count: 10 });
    const refused = (await ec2(h, `start ${stopped}`, 'UOPERATOR')).answer;
    expect(refused).toContain('launch.user-limit');
    expect(await stateOf(h.ec2Client, stopped!)).toBe('stopped');
  });
});
