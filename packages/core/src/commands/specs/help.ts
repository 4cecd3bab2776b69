import { defineCommand } from '../define';

export const help = defineCommand({
  name: 'help',
  summary: 'List the commands you may run, or explain one',
  args: [
    {
      name: 'command',
      type: 'string',
      rest: true,
      placeholder: 'command',
      description: 'the command to explain',
    },
  ],
  examples: ['help', 'help launch'],
  role: 'viewer',
  mutates: false,
  iam: [],
});
