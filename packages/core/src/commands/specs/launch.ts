import { launchNeedsApproval, typeChoicesFor } from '../../instances/launch';
import { input, modal, staticSelect, textInput } from '../../slack/blocks';
import { formatDuration, parseDuration } from '../../time/durations';
import { defineCommand } from '../define';

const TTL_CHOICES = ['1h', '2h', '4h', '8h', '1d', '3d', '7d', '14d', '30d'];
/** Instance names: what EC2 consoles show well and the grammar needs no quotes for. */
export const INSTANCE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const launch = defineCommand({
  name: 'launch',
  summary: 'Launch instances from an approved image, with an owner and a TTL (no arguments: a form)',
  usage: 'launch <image> [type=<instance-type>] [name=<Name>] [count=N] [ttl=<duration>] [subnet=<id|alias>]',
  args: [
    {
      name: 'image',
      type: 'string',
      maxLength: 128,
      placeholder: 'image',
      description: 'an alias of the stage’s catalog (al2023…), or an approved image’s id or name',
    },
  ],
  options: [
    {
      name: 'type',
      type: 'string',
      maxLength: 40,
      placeholder: 'instance-type',
      description: 'e.g. t3.small, m7g.large (default per stage); larger than your role allows → approval',
    },
    {
      name: 'name',
      type: 'string',
      pattern: INSTANCE_NAME,
      patternHelp: 'a name of letters, digits, dots, dashes and underscores (at most 63)',
      description: 'the Name tag (default: you and the image)',
    },
    { name: 'count', type: 'int', min: 1, max: 50, description: 'how many (at most the stage’s limit)' },
    { name: 'ttl', type: 'duration', min: '5m', max: '365d', description: 'how long before the reaper acts' },
    { name: 'subnet', type: 'string', maxLength: 64, description: 'a subnet id or alias of the stage' },
  ],
  examples: ['launch al2023', 'launch al2023 type=t3.small name=web-test ttl=4h', 'launch ubuntu count=2'],
  role: 'operator',
  mutates: true,
  needsApproval: launchNeedsApproval,
  iam: [
    {
      actions: ['ec2:DescribeImages', 'ec2:DescribeInstanceTypes', 'ec2:DescribeInstances'],
      why: 'Resolve the approved image and the instance type, find this request’s instances and the owner’s count',
    },
    { actions: ['ec2:RunInstances'], why: 'Launch from an approved image' },
    {
      actions: ['iam:PassRole'],
      resources: ['arn:aws:iam::*:role/*'],
      condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      why: 'Give the instance the stage’s instance profile (its role), never access keys',
    },
  ],
  modal: {
    opensWhen: (parsed) => Object.keys(parsed.args).length === 0,
    build: ({ user, config }) => {
      const settings = config.launch;
      const aliases = Object.entries(settings.images.aliases);
      const types = typeChoicesFor(user.role, settings);
      const max = parseDuration(settings.maxTtl)!;
      const ttls = [...new Set([settings.defaultTtl, ...TTL_CHOICES])]
        .filter((t) => (parseDuration(t) ?? 0) <= max)
        .sort((a, b) => parseDuration(a)! - parseDuration(b)!);
      const view = modal(
        'unused',
        'Launch an instance',
        [
          aliases.length
            ? input(
                'image',
                'Approved image',
                staticSelect(
                  'image',
                  'Choose an image',
                  aliases.map(([alias, spec]) => ({
                    text: spec.description ? `${alias} — ${spec.description}` : alias,
                    value: alias,
                  })),
                ),
              )
            : input('image', 'Approved image (id or name)', textInput('image', { placeholder: 'ami-…' })),
          input(
            'type',
            'Instance type',
            staticSelect(
              'type',
              'Choose a type',
              types.map((t) => ({ text: t, value: t })),
              types.includes(settings.types.default.x86_64) ? settings.types.default.x86_64 : undefined,
            ),
            { hint: 'The types your role may launch without approval.' },
          ),
          input('name', 'Name', textInput('name', { placeholder: 'web-test' }), { optional: true }),
          input(
            'ttl',
            'Time to live',
            staticSelect(
              'ttl',
              'How long',
              ttls.map((t) => ({ text: formatDuration(parseDuration(t)!), value: t })),
              settings.defaultTtl,
            ),
            { hint: `The reaper acts after this; at most ${settings.maxTtl}.` },
          ),
        ],
        { submit: 'Launch' },
      );
      const { callback_id: _unused, ...rest } = view;
      return rest;
    },
    toValues: (values) => ({
      image: values['image'],
      type: values['type'],
      name: values['name'],
      ttl: values['ttl'],
    }),
  },
});
