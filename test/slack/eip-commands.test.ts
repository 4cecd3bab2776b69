import {
  AllocateAddressCommand,
  AssociateAddressCommand,
  DescribeAddressesCommand,
  EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { parseStageConfig } from '@ec2ops/core/config';
import { tagsOf } from '@ec2ops/functions/ec2/tags';
import { EXECUTORS } from '@ec2ops/functions/worker/executors/index';
import { functionCredentials, SANDBOX_CREDENTIALS } from '@ec2ops/sandbox/iam/stage-policies';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerTo, executorContext, queuedRequest } from './fixtures';
import { type Harness, QUEUE, startHarness, TEST_CONFIG } from './harness';
import { managedInstance, setDelays } from './launch-fixtures';

/**
 * `/ec2 eip …` end to end: a signed slash command (or a button click) to the real slack
 * function, through the SQS emulator to the real worker, against the EC2 emulator. Every
 * refusal also asserts what the emulator holds afterwards: nothing released, nothing changed.
 */
const DAY = 86_400_000;
let h: Harness;
/** The stage's second region. */
let euWest: EC2Client;
beforeAll(async () => {
  h = await startHarness({
    config: {
      ...TEST_CONFIG,
      roles: {
        users: { UVIEWER: 'viewer', UOPERATOR: 'operator', UADMIN: 'admin', UADMIN2: 'admin' },
        groups: {},
        bootstrapAdmins: [],
      },
      regions: ['us-east-1', 'eu-west-1'],
    },
  });
  euWest = new EC2Client({
    endpoint: h.ec2.url,
    region: 'eu-west-1',
    credentials: SANDBOX_CREDENTIALS,
  });
  await setDelays(h, { instancePending: 0, instanceShuttingDown: 0 });
});
afterAll(async () => {
  euWest?.destroy();
  await h?.close();
});

interface Reply {
  text?: string;
  blocks?: { type: string; elements?: { action_id?: string; value?: string }[]; accessory?: unknown }[];
}

/** Sends the command and waits for the worker's (or the slack function's) answer. */
async function ask(text: string, user: string): Promise<Reply> {
  const queued = h.sent.length;
  const sent = await h.client.slashCommand(`/ec2 ${text}`, { user, channel: 'C0GENERAL' });
  return (await answerTo(h, sent, queued)).payload as Reply;
}

async function ec2(text: string, user: string): Promise<string> {
  return JSON.stringify(await ask(text, user));
}

/** Clicks the button whose value starts with `prefix` in a reply, as `user`; returns the answer. */
async function click(reply: Reply, prefix: string, user: string): Promise<string> {
  const element = (reply.blocks ?? [])
    .flatMap((b) => [
      ...(b.elements ?? []),
      ...(b.accessory ? [b.accessory as { action_id?: string; value?: string }] : []),
    ])
    .find((e) => e.value?.startsWith(prefix));
  if (!element?.action_id) throw new Error(`no button ${prefix} in ${JSON.stringify(reply)}`);
  const queued = h.sent.length;
  const sent = await h.client.blockAction(
    {
      message: {
        ts: '1700000000.000200',
        text: reply.text ?? '',
        ephemeral: true,
        blocks: reply.blocks as never,
      },
      actionId: element.action_id,
    },
    { user },
  );
  return JSON.stringify((await answerTo(h, sent, queued)).payload);
}

async function allocate(
  tags: Record<string, string>,
  client: EC2Client = h.ec2Client,
): Promise<{ id: string; ip: string }> {
  const out = await client.send(
    new AllocateAddressCommand({
      Domain: 'vpc',
      TagSpecifications: Object.keys(tags).length
        ? [{ ResourceType: 'elastic-ip', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }]
        : undefined,
    }),
  );
  return { id: out.AllocationId!, ip: out.PublicIp! };
}

/** RunInstances fixture: one instance with exactly these tags, its id. */
async function instance(tags: Record<string, string>): Promise<string> {
  return (await managedInstance(h.ec2Client, tags, { managed: false }))[0]!;
}

const managedBy = (owner: string) => ({ 'ec2ops:managed': 'true', 'ec2ops:owner': owner });
const idleFor = (days: number) => new Date(Date.now() - days * DAY).toISOString();

/** The address as EC2 now has it (undefined once released). */
async function address(allocationId: string) {
  const out = await h.ec2Client.send(
    new DescribeAddressesCommand({ Filters: [{ Name: 'allocation-id', Values: [allocationId] }] }),
  );
  const a = out.Addresses?.[0];
  if (!a) return undefined;
  return {
    instanceId: a.InstanceId,
    tags: tagsOf(a.Tags),
  };
}

async function allAddresses() {
  const out = await h.ec2Client.send(new DescribeAddressesCommand({}));
  return out.Addresses ?? [];
}

/** The text of the block that shows this IP, or undefined when the answer does not show it. */
function rowOf(reply: Reply, ip: string): string | undefined {
  for (const block of reply.blocks ?? []) {
    const text = (block as { text?: { text?: string } }).text?.text;
    if (block.type === 'section' && text?.includes(`*${ip}*`)) return text;
  }
  return undefined;
}

describe('/ec2 eip list', () => {
  let web: string;
  let onWeb: { id: string; ip: string };
  let idle: { id: string; ip: string };
  let kept: { id: string; ip: string };
  let stray: { id: string; ip: string };
  let dublin: { id: string; ip: string };
  beforeAll(async () => {
    web = await instance({ Name: 'web-eip', ...managedBy('UOPERATOR') });
    onWeb = await allocate(managedBy('UOPERATOR'));
    await h.ec2Client.send(new AssociateAddressCommand({ AllocationId: onWeb.id, InstanceId: web }));
    idle = await allocate({ ...managedBy('UOPERATOR'), 'ec2ops:idle-since': idleFor(2) });
    kept = await allocate({
      ...managedBy('UADMIN'),
      'ec2ops:keep': 'true',
      'ec2ops:idle-since': idleFor(30),
    });
    stray = await allocate({});
    dublin = await allocate(managedBy('UOPERATOR'), euWest);
  });

  it('shows every address with association, idle time, keep, owner and monthly cost, to a viewer', async () => {
    const reply = await ask('eip list', 'UVIEWER');
    expect(rowOf(reply, onWeb.ip)).toContain(`associated with ${web} (web-eip) · owner <@UOPERATOR>`);
    expect(rowOf(reply, idle.ip)).toMatch(
      /idle 2d, released in 5d \(.*Z\) · owner <@UOPERATOR> · \$3\.65\/month/,
    );
    expect(rowOf(reply, kept.ip)).toMatch(
      /idle 30d, never released by cleanup · ec2ops:keep=true · owner <@UADMIN>/,
    );
    expect(rowOf(reply, stray.ip)).toContain('idle, never released by cleanup · no owner · not managed');
    expect(rowOf(reply, dublin.ip)).toMatch(
      /eu-west-1\nidle, not yet marked: released 7d after the next cleanup run/,
    );
    expect(reply.text).toMatch(/^5 addresses in us-east-1, eu-west-1: \$18\.25\/month/);
  });

  it('`idle` shows only unassociated addresses, with the time left before release', async () => {
    const reply = await ask('eip list idle', 'UVIEWER');
    expect(rowOf(reply, onWeb.ip)).toBeUndefined();
    expect(rowOf(reply, idle.ip)).toContain('released in 5d');
    expect(rowOf(reply, kept.ip)).toContain('never released by cleanup');
    // Soonest released first.
    const order = [idle.ip, dublin.ip, kept.ip].map((ip) => JSON.stringify(reply.blocks).indexOf(`*${ip}*`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('offers Release only on what the person asking may release: nothing to a viewer, their own to an operator, any idle unkept one to an admin', async () => {
    const offered = async (user: string) => {
      const blocks = JSON.stringify((await ask('eip list', user)).blocks);
      return [onWeb, idle, kept, stray, dublin]
        .filter((a) => blocks.includes(`"value":"eip release ${a.id}"`))
        .map((a) => a.ip);
    };
    expect(await offered('UVIEWER')).toEqual([]);
    expect(await offered('UOPERATOR')).toEqual([idle.ip, dublin.ip]);
    expect(await offered('UADMIN')).toEqual([idle.ip, stray.ip, dublin.ip]);
  });

  it('keeps and releases an address in another region of the stage, found by its IP', async () => {
    expect(await ec2(`eip keep ${dublin.ip}`, 'UADMIN')).toContain(
      `Kept ${dublin.ip} (${dublin.id}, eu-west-1)`,
    );
    expect(await ec2(`eip unkeep ${dublin.ip}`, 'UADMIN')).toContain('no longer kept');
    const question = await ask(`eip release ${dublin.ip}`, 'UOPERATOR');
    expect(await click(question, 'eip release', 'UOPERATOR')).toContain(`Released ${dublin.ip}`);
    const left = await euWest.send(new DescribeAddressesCommand({}));
    expect(left.Addresses?.some((a) => a.AllocationId === dublin.id)).toBe(false);
  });

  it('refuses a filter it does not know', async () => {
    expect(await ec2('eip list busy', 'UVIEWER')).toMatch(/idle/);
  });
});

describe('/ec2 eip release', () => {
  it('asks first, releases only after the confirmation button, and says so when clicked again', async () => {
    const mine = await allocate({ ...managedBy('UOPERATOR'), 'ec2ops:idle-since': idleFor(1) });
    const question = await ask(`eip release ${mine.ip}`, 'UOPERATOR');
    expect(question.text).toContain(`Release ${mine.ip} (${mine.id}, us-east-1)`);
    expect(JSON.stringify(question)).toContain(`"value":"eip release ${mine.id} confirm=yes"`);
    expect(JSON.stringify(question)).toContain('"confirm":{"title"');
    // Asking released nothing.
    expect(await address(mine.id)).toBeDefined();

    const done = await click(question, 'eip release', 'UOPERATOR');
    expect(done).toContain(`Released ${mine.ip}`);
    expect(done).toContain('$3.65/month');
    expect(await address(mine.id)).toBeUndefined();

    expect(await click(question, 'eip release', 'UOPERATOR')).toContain('already released');
  });

  it('refuses malformed ids and ips before anything runs', async () => {
    const before = (await allAddresses()).length;
    for (const bad of ['eipalloc-xyz', '999.1.2.3', '10.0.0', 'i-0123456789abcdef0']) {
      expect(await ec2(`eip release ${bad}`, 'UOPERATOR')).toMatch(/allocation id such as eipalloc-/);
    }
    expect((await allAddresses()).length).toBe(before);
  });

  it('refuses unknown ids and ips', async () => {
    expect(await ec2('eip release eipalloc-0123456789abcdef0', 'UOPERATOR')).toContain(
      'No Elastic IP eipalloc-0123456789abcdef0 in us-east-1',
    );
    expect(await ec2('eip release 203.0.113.9', 'UOPERATOR')).toContain('No Elastic IP 203.0.113.9');
  });

  it('refuses an associated address, even when confirm=yes is typed, and leaves it associated', async () => {
    const box = await instance({ Name: 'assoc-box', ...managedBy('UOPERATOR') });
    const on = await allocate(managedBy('UOPERATOR'));
    await h.ec2Client.send(new AssociateAddressCommand({ AllocationId: on.id, InstanceId: box }));
    expect(await ec2(`eip release ${on.id}`, 'UOPERATOR')).toContain(
      `is associated with ${box}: not released`,
    );
    expect(await ec2(`eip release ${on.id} confirm=yes`, 'UADMIN')).toContain('not released');
    expect((await address(on.id))?.instanceId).toBe(box);
  });

  it('re-reads before releasing: an address associated after the question is not released', async () => {
    const box = await instance({ Name: 'late-assoc', ...managedBy('UOPERATOR') });
    const later = await allocate(managedBy('UOPERATOR'));
    const question = await ask(`eip release ${later.id}`, 'UOPERATOR');
    await h.ec2Client.send(new AssociateAddressCommand({ AllocationId: later.id, InstanceId: box }));
    expect(await click(question, 'eip release', 'UOPERATOR')).toContain(`is associated with ${box}`);
    // In the default VPC, EC2 itself would have disassociated and released it.
    expect((await address(later.id))?.instanceId).toBe(box);
  });

  it('refuses a kept address, for an admin too', async () => {
    const kept = await allocate({ ...managedBy('UADMIN'), 'ec2ops:keep': 'true' });
    expect(await ec2(`eip release ${kept.ip} confirm=yes`, 'UADMIN')).toContain(
      'ec2ops:keep=true: not released',
    );
    expect(await address(kept.id)).toBeDefined();
  });

  it("refuses someone else's address to an operator, and a viewer altogether", async () => {
    const theirs = await allocate(managedBy('UADMIN2'));
    expect(await ec2(`eip release ${theirs.id} confirm=yes`, 'UOPERATOR')).toContain(
      'belongs to <@UADMIN2>: only the owner or an admin',
    );
    const unowned = await allocate({});
    expect(await ec2(`eip release ${unowned.id} confirm=yes`, 'UOPERATOR')).toContain('only an admin');
    expect(await ec2(`eip release ${theirs.id} confirm=yes`, 'UVIEWER')).toMatch(/operator/);
    expect(await address(theirs.id)).toBeDefined();
    expect(await address(unowned.id)).toBeDefined();
  });

  it('says what to do about a reverse-DNS record or a locked address, and releases nothing', async () => {
    const ptr = await allocate(managedBy('UOPERATOR'));
    const locked = await allocate(managedBy('UOPERATOR'));
    await fetch(`${h.ec2.url}/_emulator/addresses/${ptr.id}/ptr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ domainName: 'mail.example.com' }),
    });
    await fetch(`${h.ec2.url}/_emulator/addresses/${locked.id}/lock`, { method: 'POST' });
    const ptrAnswer = await ec2(`eip release ${ptr.id} confirm=yes`, 'UOPERATOR');
    expect(ptrAnswer).toContain('reverse-DNS (PTR) record: not released');
    expect(ptrAnswer).toContain(`reset-address-attribute --allocation-id ${ptr.id}`);
    const lockedAnswer = await ec2(`eip release ${locked.id} confirm=yes`, 'UOPERATOR');
    expect(lockedAnswer).toContain('locked to this account by AWS');
    expect(lockedAnswer).toContain('AWS Support');
    expect(await address(ptr.id)).toBeDefined();
    expect(await address(locked.id)).toBeDefined();
  });
});

describe('/ec2 eip keep and unkeep', () => {
  it('tags and untags keep=true for an admin, each twice without harm', async () => {
    const a = await allocate(managedBy('UOPERATOR'));
    expect(await ec2(`eip keep ${a.ip}`, 'UADMIN')).toContain(`Kept ${a.ip}`);
    expect((await address(a.id))?.tags['ec2ops:keep']).toBe('true');
    expect(await ec2(`eip keep ${a.id}`, 'UADMIN')).toContain('already kept');
    expect(await ec2(`eip unkeep ${a.id}`, 'UADMIN')).toContain('no longer kept');
    expect((await address(a.id))?.tags).not.toHaveProperty('ec2ops:keep');
    expect(await ec2(`eip unkeep ${a.id}`, 'UADMIN')).toContain('not kept');
  });

  it('refuses a viewer and an operator, and bad or unknown addresses, changing nothing', async () => {
    const a = await allocate({ ...managedBy('UOPERATOR'), 'ec2ops:keep': 'true' });
    expect(await ec2(`eip keep ${a.id}`, 'UVIEWER')).toMatch(/admin/);
    expect(await ec2(`eip unkeep ${a.id}`, 'UOPERATOR')).toMatch(/admin/);
    expect(await ec2('eip keep eipalloc-zz', 'UADMIN')).toMatch(/allocation id such as/);
    expect(await ec2('eip unkeep 203.0.113.77', 'UADMIN')).toContain('No Elastic IP 203.0.113.77');
    expect((await address(a.id))?.tags['ec2ops:keep']).toBe('true');
  });
});

describe('/ec2 eip attach', () => {
  it('allocates, tags and associates a new address to the owner’s managed instance, with the cost', async () => {
    const box = await instance({ Name: 'attach-me', ...managedBy('UOPERATOR') });
    const answer = await ec2('eip attach attach-me', 'UOPERATOR');
    expect(answer).toContain(`to ${box} (attach-me) in us-east-1`);
    expect(answer).toContain('$0.005/hour ≈ $3.65/month');
    const on = (await allAddresses()).filter((a) => a.InstanceId === box);
    expect(on).toHaveLength(1);
    const tags = (await address(on[0]!.AllocationId!))!.tags;
    expect(tags).toMatchObject({ 'ec2ops:managed': 'true', 'ec2ops:owner': 'UOPERATOR' });
    expect(tags['ec2ops:request-id']).toBeTruthy();
    expect(answer).toContain(on[0]!.PublicIp!);

    // SQS delivers the same message again: the worker finishes with the same address.
    const queued = h.sent.findLast((m) => m.kind === 'command' && m.request.text === 'eip attach attach-me')!;
    h.sqs.send(QUEUE, JSON.stringify(queued));
    await h.sqs.drain();
    expect((await allAddresses()).filter((a) => a.InstanceId === box)).toHaveLength(1);
    const replies = h.slack.workspace.responseUrl(
      decodeURIComponent(
        new URL((queued as { request: { responseUrl: string } }).request.responseUrl).pathname
          .split('/')
          .at(-1)!,
      ),
    );
    expect(JSON.stringify(replies?.replies.at(-1)?.payload)).toContain('already attached');

    // A second request refuses: the instance already has an ec2ops address.
    const again = await ec2(`eip attach ${box}`, 'UOPERATOR');
    expect(again).toContain(
      `already has Elastic IP ${on[0]!.PublicIp} (${on[0]!.AllocationId}, an ec2ops address)`,
    );
    expect((await allAddresses()).filter((a) => a.InstanceId === box)).toHaveLength(1);
  });

  it('allocates one address however often the request is delivered, even after a failure midway', async () => {
    const box = await instance({ Name: 'redelivered-eip', ...managedBy('UOPERATOR') });
    const config = parseStageConfig({ stage: 'test', regions: ['us-east-1'] });
    const request = queuedRequest({
      id: 'r-0000eipattach',
      command: 'eip attach',
      args: { instance: box },
      text: `eip attach ${box}`,
    });
    // The same emulator, through a client whose AssociateAddress times out.
    const failingAssociate = new EC2Client({
      endpoint: h.ec2.url,
      region: 'us-east-1',
      credentials: functionCredentials('worker'),
      maxAttempts: 1,
    });
    failingAssociate.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'AssociateAddressCommand') {
          throw Object.assign(new Error('timeout'), { name: 'TimeoutError' });
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const context = (fail: boolean) =>
      executorContext(request, config, fail ? failingAssociate : h.workerEc2Client);
    const before = (await allAddresses()).length;
    // First delivery dies after allocating (the associate times out); SQS delivers it again, twice.
    await expect(EXECUTORS['eip attach']!(context(true))).rejects.toThrow('timeout');
    const second = await EXECUTORS['eip attach']!(context(false));
    const third = await EXECUTORS['eip attach']!(context(false));
    const all = await allAddresses();
    expect(all.length).toBe(before + 1);
    const on = all.filter((a) => a.InstanceId === box);
    expect(on).toHaveLength(1);
    expect(second.text).toContain(`Attached *${on[0]!.PublicIp}*`);
    expect(third.text).toContain('already attached');
  });

  it('refuses unmanaged, unknown, terminated and other people’s instances, allocating nothing', async () => {
    const unmanaged = await instance({ Name: 'not-ours' });
    const theirs = await instance({ Name: 'theirs', ...managedBy('UADMIN2') });
    const gone = await instance({ Name: 'gone-box', ...managedBy('UOPERATOR') });
    await h.ec2Client.send(new TerminateInstancesCommand({ InstanceIds: [gone] }));
    const before = (await allAddresses()).length;
    expect(await ec2('eip attach not-ours', 'UOPERATOR')).toContain(
      `${unmanaged} (not-ours) is not managed by ec2ops`,
    );
    expect(await ec2('eip attach no-such-box', 'UOPERATOR')).toContain('No instance no-such-box');
    expect(await ec2('eip attach i-0123456789abcdef0', 'UOPERATOR')).toContain(
      'No instance i-0123456789abcdef0',
    );
    expect(await ec2(`eip attach ${gone}`, 'UOPERATOR')).toMatch(
      /is (terminated|shutting-down): nothing to attach/,
    );
    expect(await ec2(`eip attach ${theirs}`, 'UOPERATOR')).toContain('belongs to <@UADMIN2>');
    expect(await ec2(`eip attach ${theirs}`, 'UVIEWER')).toMatch(/operator/);
    expect((await allAddresses()).length).toBe(before);
  });

  it('refuses an admin too on an instance ec2ops does not manage, allocating nothing', async () => {
    await instance({ Name: 'admin-target' });
    const before = (await allAddresses()).length;
    expect(await ec2('eip attach admin-target', 'UADMIN')).toContain('eip.instance-not-managed');
    expect((await allAddresses()).length).toBe(before);
  });
});

describe('/ec2 eip list, long', () => {
  it('pages beyond one message, with a Next button that shows the rest', async () => {
    const many = await Promise.all(Array.from({ length: 60 }, () => allocate(managedBy('UOPERATOR'))));
    const total = (await allAddresses()).length;
    const first = await ask('eip list', 'UVIEWER');
    const firstText = JSON.stringify(first.blocks);
    expect(firstText).toMatch(/page 1 of \d/);
    expect(firstText).toContain('"value":"eip list page=2"');
    const second = await click(first, 'eip list page=2', 'UVIEWER');
    expect(second).toMatch(/page 2 of \d/);
    const shown = (text: string) => many.filter((a) => text.includes(`*${a.ip}*`)).length;
    const pages = Number(/page 1 of (\d+)/.exec(firstText)![1]);
    let seen = 0;
    for (let page = 1; page <= pages; page++) {
      seen += shown(JSON.stringify((await ask(`eip list page=${page}`, 'UVIEWER')).blocks));
    }
    expect(seen).toBe(many.length);
    expect(total).toBeGreaterThan(50);
  });
});
