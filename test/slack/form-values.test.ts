import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';
import { allInstances, LAUNCH_CONFIG, setDelays, submitLaunchForm } from './launch-fixtures';

/** The launch form, submitted as Slack sends it, through the real slack function and worker. */
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ config: LAUNCH_CONFIG });
  await setDelays(h, { instancePending: 0 });
});
afterAll(async () => {
  await h?.close();
});

async function submitNamed(name: string) {
  await h.client.slashCommand('/ec2 launch', { user: 'UOPERATOR', channel: 'C0GENERAL' });
  const sent = await submitLaunchForm(h, { image: 'al2023', type: 't3.small', name, ttl: '4h' });
  await h.sqs.drain();
  return sent;
}

describe('the launch form passes its fields as values, never as re-parsed text', () => {
  for (const name of ['modalsmug” count=“3', 'smug" count="3', "smug' count='3", 'smug count=3']) {
    it(`a Name of ${name} cannot add options: the form shows the problem and nothing is launched`, async () => {
      const before = (await allInstances(h.ec2Client)).length;
      const sent = await submitNamed(name);
      expect(sent.status).toBe(200);
      expect(sent.json).toMatchObject({ response_action: 'errors' });
      expect(JSON.stringify(sent.json)).toContain('name must be');
      expect((await allInstances(h.ec2Client)).length).toBe(before);
      expect(h.sent.filter((m) => m.kind === 'command' && m.request.args['count'] !== undefined)).toEqual([]);
    });
  }
});

describe('a valid launch form', () => {
  it('launches what it says, once, named as typed', async () => {
    const sent = await submitNamed('from-form');
    expect(sent.status).toBe(200);
    expect(sent.json).toBeFalsy();
    const named = (await allInstances(h.ec2Client)).filter((i) =>
      (i.Tags ?? []).some((t) => t.Key === 'Name' && t.Value === 'from-form'),
    );
    expect(named).toHaveLength(1);
    expect(named[0]!.InstanceType).toBe('t3.small');
  });
});
