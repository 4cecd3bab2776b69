import { defineCommand } from '../define';

export const status = defineCommand({
  name: 'status',
  summary: 'Is ec2ops healthy: jobs’ last and next runs, the request queue, open alarms',
  args: [],
  examples: ['status'],
  role: 'viewer',
  mutates: false,
  // No EC2 call. It reads the coordination table's run records, the queue's attributes and the
  // stage's alarms: infra/ops.ts grants those to the worker (statusWorkerPermissions).
  iam: [],
});
