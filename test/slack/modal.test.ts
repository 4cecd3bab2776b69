import type { CommandSpec } from '@ec2ops/core/commands';
import { input, modal, staticSelect } from '@ec2ops/core/slack';
import type { Executor } from '@ec2ops/functions/worker/context';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness';

/** A test-only command with a modal: `/ec2 pick` with no size opens a form that submits `pick <size>`. */
const pick: CommandSpec = {
  name: 'pick',
  summary: 'Pick a size (tests only)',
  role: 'operator',
  mutates: false,
  iam: [],
  args: [{ name: 'size', type: 'enum', values: ['small', 'big'], description: 'size' }],
  modal: {
    opensWhen: (parsed) => parsed.args['size'] === undefined,
    build: ({ user }) => {
      const view = modal(
        'unused',
        'Pick a size',
        [
          input(
            'size',
            `Size for <@${user.id}>`,
            staticSelect('choose', 'Choose', [
              { text: 'Small', value: 'small' },
              { text: 'Big', value: 'big' },
              { text: 'Huge', value: 'huge' },
            ]),
          ),
        ],
        { submit: 'Pick' },
      );
      const { callback_id: _unused, ...rest } = view;
      return rest;
    },
    toValues: (values) => ({ size: values['size'] }),
  },
};
const pickExecutor: Executor = async (ctx) => ({ text: `picked ${ctx.request.args['size']}` });

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ specs: [pick], executors: { pick: pickExecutor } });
});
afterAll(async () => {
  await h?.close();
});

describe('modals', () => {
  it('opens the modal for a command typed without its arguments, and queues nothing', async () => {
    const before = h.sent.length;
    const sent = await h.client.slashCommand('/ec2 pick', { user: 'UOPERATOR', channel: 'C0EC2OPS' });
    expect(sent.status).toBe(200);
    const view = h.slack.workspace.views({ user: 'UOPERATOR' }).at(-1)!;
    expect(view.view['callback_id']).toBe('ec2ops:modal:pick');
    expect(JSON.parse(String(view.view['private_metadata']))).toEqual({ channel: 'C0EC2OPS' });
    expect(h.sent.length).toBe(before);
  });

  it('runs the submitted form like typed text and answers by DM', async () => {
    const view = h.slack.workspace.views({ user: 'UOPERATOR' }).at(-1)!;
    const submitted = await h.client.viewSubmission(
      {
        id: view.id,
        callback_id: 'ec2ops:modal:pick',
        private_metadata: String(view.view['private_metadata']),
        values: { size: { choose: { type: 'static_select', selected_option: { value: 'big' } } } },
      },
      { user: 'UOPERATOR' },
    );
    expect(submitted.status).toBe(200);
    await h.sqs.drain();
    const queued = h.sent.at(-1)!;
    expect(queued.kind === 'command' && queued.request).toEqual(
      expect.objectContaining({
        command: 'pick',
        args: { size: 'big' },
        origin: 'modal',
        channel: { id: 'C0EC2OPS' },
      }),
    );
    const dm = h.slack.workspace.dms().find((d) => d.user === 'UOPERATOR')!;
    expect(h.slack.workspace.messages(dm.channel).some((m) => m.text === 'picked big')).toBe(true);
  });

  it('shows a value it cannot accept in the form, and queues nothing', async () => {
    const before = h.sent.length;
    const submitted = await h.client.viewSubmission(
      {
        id: 'V1',
        callback_id: 'ec2ops:modal:pick',
        values: { size: { choose: { type: 'static_select', selected_option: { value: 'huge' } } } },
      },
      { user: 'UOPERATOR' },
    );
    expect(submitted.json).toEqual({
      response_action: 'errors',
      errors: { size: expect.stringContaining('must be one of small, big') },
    });
    expect(h.sent.length).toBe(before);
  });

  it('refuses the form to someone whose role is too low', async () => {
    const submitted = await h.client.viewSubmission(
      {
        id: 'V2',
        callback_id: 'ec2ops:modal:pick',
        values: { size: { choose: { type: 'static_select', selected_option: { value: 'small' } } } },
      },
      { user: 'UVIEWER' },
    );
    expect(JSON.stringify(submitted.json)).toContain('needs the operator role');
  });
});
