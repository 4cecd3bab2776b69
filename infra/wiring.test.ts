import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stagePolicies } from '@ec2ops/core/iam/ec2ops';
import type { PolicyDocument } from '@ec2ops/core/iam/policy';
import { JOB_DEFINITIONS } from '@ec2ops/core/jobs/catalog';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  COMMAND_MAX_RECEIVES,
  HANDLERS,
  QUEUE_VISIBILITY_SECONDS,
  WORKER_MAX_CONCURRENCY,
} from './functions';
import { loadStage } from './stages';

/**
 * Evaluates infra/* against a recording stand-in for SST's globals (`sst`, `aws`, `$app`), as
 * `sst deploy` would, and checks what would be created: which function gets which handler,
 * linked secrets, permissions, EC2 policy and schedule. Outputs are plain strings here (a
 * secret's value is `secret:<Name>`).
 */

interface Created {
  kind: string;
  name: string;
  args: Record<string, unknown>;
}

let created: Created[] = [];

function record(kind: string) {
  return class {
    readonly name: string;
    readonly args: Record<string, unknown>;
    constructor(name: string, args: Record<string, unknown> = {}) {
      this.name = name;
      this.args = args;
      created.push({ kind, name, args });
    }
  };
}

class FakeFunction extends record('Function') {
  get arn() {
    return `arn:aws:lambda:eu-west-1:123456789012:function:${this.name}`;
  }
  get url() {
    return `https://${this.name.toLowerCase()}.lambda-url.eu-west-1.on.aws/`;
  }
  get nodes() {
    return {
      role: { name: `${this.name}Role` },
      logGroup: { apply: (f: (g: { name: string }) => string) => f({ name: `/aws/lambda/${this.name}` }) },
    };
  }
}

class FakeQueue extends record('Queue') {
  get arn() {
    return `arn:aws:sqs:eu-west-1:123456789012:${this.name}`;
  }
  get url() {
    return `https://sqs.eu-west-1.amazonaws.com/123456789012/${this.name}`;
  }
  get nodes() {
    return { queue: { name: this.name } };
  }
  subscribe(subscriber: unknown, args: unknown) {
    created.push({ kind: 'Subscription', name: this.name, args: { subscriber, ...(args as object) } });
  }
}

class FakeSecret extends record('Secret') {
  get value() {
    return `secret:${this.name}`;
  }
}

class FakeTopic extends record('SnsTopic') {
  get arn() {
    return `arn:aws:sns:eu-west-1:123456789012:${this.name}`;
  }
  subscribe(name: string, subscriber: unknown) {
    created.push({ kind: 'TopicFunctionSubscriber', name, args: { topic: this.name, subscriber } });
  }
}

class FakeRole extends record('Role') {
  get arn() {
    return `arn:aws:iam::123456789012:role/${this.name}`;
  }
}

/** SST's `$interpolate` over plain strings. */
const interpolate = (parts: TemplateStringsArray, ...values: unknown[]) =>
  parts.reduce((text, part, i) => text + part + (i < values.length ? String(values[i]) : ''), '');

async function deploy(stage: string) {
  created = [];
  vi.resetModules();
  vi.stubGlobal('$app', { name: 'ec2ops', stage });
  vi.stubGlobal('$interpolate', interpolate);
  vi.stubGlobal('$jsonStringify', JSON.stringify);
  vi.stubGlobal('sst', {
    Secret: FakeSecret,
    aws: { Function: FakeFunction, Queue: FakeQueue, CronV2: record('CronV2'), SnsTopic: FakeTopic },
  });
  vi.stubGlobal('aws', {
    iam: { RolePolicy: record('RolePolicy'), Role: FakeRole },
    scheduler: { ScheduleGroup: record('ScheduleGroup') },
    getCallerIdentityOutput: () => ({ accountId: '123456789012' }),
    getRegionOutput: () => ({ name: 'eu-west-1' }),
    sns: { TopicSubscription: record('TopicSubscription') },
    cloudwatch: { MetricAlarm: record('MetricAlarm'), LogMetricFilter: record('LogMetricFilter') },
  });
  for (const file of [
    'stage',
    'secrets',
    'queue',
    'iam',
    'slack',
    'jobs',
    'alarms',
    'alarms-slack',
    'ops-alarms',
  ])
    await import(`./${file}.ts`);
  return created;
}

const fns = () => created.filter((c) => c.kind === 'Function');
const fn = (name: string) => fns().find((c) => c.name === name)!;
const env = (name: string) => fn(name).args.environment as Record<string, string>;
const policyOf = (fnName: string): PolicyDocument | undefined => {
  const policy = created.find((c) => c.kind === 'RolePolicy' && c.args.role === `${fnName}Role`);
  return policy ? JSON.parse(policy.args.policy as string) : undefined;
};
const JOB_FUNCTIONS = Object.fromEntries(
  JOB_DEFINITIONS.map((j) => [
    j.function,
    `${j.name.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Job`,
  ]),
);

beforeEach(async () => {
  await deploy('dev');
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('what sst deploy creates for a stage', () => {
  it('creates the slack function, the worker and one function per job, each with its handler', () => {
    expect(fns().map((f) => [f.name, f.args.handler])).toEqual([
      ['Expire', 'packages/functions/src/ops/expire.handler.handler'],
      ['Slack', HANDLERS.slack],
      ['Worker', HANDLERS.worker],
      ...JOB_DEFINITIONS.map((j) => [JOB_FUNCTIONS[j.function], HANDLERS[j.function]]),
    ]);
    for (const f of fns()) expect(f.args.runtime, f.name).toBe('nodejs22.x');
  });

  it('lets the worker manage schedules in the stage group only and pass only the scheduler role, which invokes only the expiry function', () => {
    expect(created.find((c) => c.kind === 'ScheduleGroup')?.args).toEqual({ name: 'ec2ops-dev-expiry' });
    expect(env('Worker')).toMatchObject({
      EXPIRY_SCHEDULE_GROUP: 'ec2ops-dev-expiry',
      EXPIRY_FUNCTION_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:Expire',
      EXPIRY_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/ExpirySchedulerRole',
    });
    expect(fn('Worker').args.permissions).toEqual(
      expect.arrayContaining([
        {
          actions: [
            'scheduler:CreateSchedule',
            'scheduler:UpdateSchedule',
            'scheduler:DeleteSchedule',
            'scheduler:GetSchedule',
          ],
          resources: ['arn:aws:scheduler:eu-west-1:123456789012:schedule/ec2ops-dev-expiry/*'],
        },
        { actions: ['iam:PassRole'], resources: ['arn:aws:iam::123456789012:role/ExpirySchedulerRole'] },
      ]),
    );
    const trust = JSON.parse(created.find((c) => c.kind === 'Role')!.args.assumeRolePolicy as string);
    expect(trust.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
      }),
    ]);
    const invoke = created.find((c) => c.kind === 'RolePolicy' && c.name === 'ExpirySchedulerInvoke')!;
    expect(JSON.parse(invoke.args.policy as string).Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: [
          'arn:aws:lambda:eu-west-1:123456789012:function:Expire',
          'arn:aws:lambda:eu-west-1:123456789012:function:Expire:*',
        ],
      },
    ]);
  });

  it('serves Slack from a Function URL without AWS auth: the Slack signature authenticates', () => {
    expect(fn('Slack').args.url).toEqual({ authorization: 'none', cors: false });
    for (const f of fns().filter((f) => f.name !== 'Slack')) expect(f.args.url, f.name).toBeUndefined();
  });

  it('links each secret only to the functions that use it, and puts none in any environment', () => {
    const linked = (f: Created) => (f.args.link as { name: string }[]).map((s) => s.name).sort();
    expect(linked(fn('Slack'))).toEqual(['SlackBotToken', 'SlackSigningSecret']);
    expect(linked(fn('Worker'))).toEqual(['SlackBotToken', 'SlackSigningSecret']);
    for (const name of Object.values(JOB_FUNCTIONS))
      expect(linked(fn(name)), name).toEqual(['SlackBotToken']);
    const secretValues = created.filter((c) => c.kind === 'Secret').map((c) => `secret:${c.name}`);
    expect(secretValues).toEqual(['secret:SlackBotToken', 'secret:SlackSigningSecret']);
    for (const f of fns()) {
      const values = Object.values(env(f.name));
      for (const value of secretValues) expect(values, f.name).not.toContain(value);
      expect(
        Object.keys(env(f.name)).filter((k) => /SLACK_(BOT_TOKEN|SIGNING_SECRET)/.test(k)),
        f.name,
      ).toEqual([]);
    }
  });

  it('gives every function the validated stage config', () => {
    for (const f of fns())
      expect(JSON.parse(env(f.name).EC2OPS_CONFIG!), f.name).toEqual(JSON.parse(loadStage('dev').configJson));
  });

  it('attaches to each role exactly the EC2 policy core builds for that function', () => {
    const { policies } = stagePolicies(loadStage('dev').config);
    expect(policyOf('Slack')).toBeUndefined();
    expect(policyOf('Worker')).toEqual(policies.worker);
    for (const [job, name] of Object.entries(JOB_FUNCTIONS)) {
      const expected = policies[job as keyof typeof policies];
      expect(policyOf(name), name).toEqual(expected.Statement.length ? expected : undefined);
    }
  });

  it('lets only the slack function send commands and only the worker receive them', () => {
    const perms = (name: string) =>
      (fn(name).args.permissions as { actions: string[]; resources: string[] }[]) ?? [];
    expect(perms('Slack')).toEqual([
      { actions: ['sqs:SendMessage'], resources: [expect.stringMatching(/:Commands$/)] },
    ]);
    expect(perms('Worker').flatMap((p) => p.actions)).not.toContain('sqs:SendMessage');
    const sqs = perms('Worker').filter((p) => p.actions.some((a) => a.startsWith('sqs:')));
    expect(sqs.every((p) => p.resources.every((r) => r.endsWith(':Commands')))).toBe(true);
  });

  it('subscribes the worker with partial batch responses and a queue that outlasts it, with a DLQ', () => {
    const subscription = created.find((c) => c.kind === 'Subscription')!;
    expect(subscription.name).toBe('Commands');
    expect(subscription.args.subscriber).toMatch(/:function:Worker$/);
    expect(subscription.args.batch).toMatchObject({ partialResponses: true, window: '0 seconds' });
    expect(subscription.args.transform).toEqual({
      eventSourceMapping: { scalingConfig: { maximumConcurrency: WORKER_MAX_CONCURRENCY } },
    });
    const queue = created.find((c) => c.kind === 'Queue' && c.name === 'Commands')!;
    expect(queue.args.visibilityTimeout).toBe(`${QUEUE_VISIBILITY_SECONDS} seconds`);
    expect(queue.args.dlq).toEqual({
      queue: expect.stringMatching(/:CommandsDeadLetter$/),
      retry: COMMAND_MAX_RECEIVES,
    });
    expect(env('Worker').QUEUE_MAX_RECEIVE_COUNT).toBe(String(COMMAND_MAX_RECEIVES));
  });

  it('schedules every job from the catalog with its time zone, retries and DLQ', () => {
    const crons = created.filter((c) => c.kind === 'CronV2');
    expect(crons).toHaveLength(JOB_DEFINITIONS.length);
    for (const job of JOB_DEFINITIONS) {
      const cron = crons.find(
        (c) => (c.args.function as { name: string }).name === JOB_FUNCTIONS[job.function],
      )!;
      expect(cron.args).toMatchObject({
        schedule: job.schedule.expression,
        timezone: job.schedule.timeZone,
        enabled: true,
        retries: 2,
        dlq: expect.stringMatching(/:JobsDeadLetter$/),
      });
    }
  });

  it('alarms on both dead-letter queues, each job, the slack function and a port that will not close', () => {
    const alarms = created.filter((c) => c.kind === 'MetricAlarm').map((c) => c.name);
    expect(alarms).toEqual(
      expect.arrayContaining([
        'CommandsDeadLetterNotEmpty',
        'JobsDeadLetterNotEmpty',
        'SlackFunctionErrors',
        'PortRuleNotClosing',
      ]),
    );
    for (const name of Object.values(JOB_FUNCTIONS)) expect(alarms).toContain(`${name}Failing`);
    for (const alarm of created.filter((c) => c.kind === 'MetricAlarm')) {
      expect(alarm.args.alarmActions, alarm.name).toEqual([expect.stringMatching(/:Alarms$/)]);
    }
  });

  it("alarms on the port sweep's own log line for a rule that keeps failing to close", () => {
    const filter = created.find(
      (c) => c.kind === 'LogMetricFilter' && c.name === 'PortRuleNotClosingFilter',
    )!;
    expect(filter.args.logGroupName).toBe('/aws/lambda/PortSweepJob');
    const event = /\$\.event = "([^"]+)"/.exec(filter.args.pattern as string)![1]!;
    const sweep = readFileSync(
      resolve(import.meta.dirname, '../packages/functions/src/jobs/port-sweep.ts'),
      'utf8',
    );
    expect(sweep).toContain(`event: '${event}'`);
  });

  it('subscribes an ec2ops function to the alarm topic, with the bot token to post alarms into Slack', () => {
    const sub = created.find((c) => c.kind === 'TopicFunctionSubscriber')!;
    expect(sub).toMatchObject({ name: 'AlarmsToSlack', args: { topic: 'Alarms' } });
    const fnArgs = sub.args.subscriber as { handler: string; link: { name: string }[]; environment: object };
    expect(fnArgs.handler).toBe('packages/functions/src/ops/alarms.handler.handler');
    expect(fnArgs.link.map((l) => l.name)).toEqual(['SlackBotToken']);
    expect(fnArgs.environment).toHaveProperty('EC2OPS_CONFIG');
  });

  it('watches the oldest command, the ack p99 near 3 s, throttles and dead-letter growth, each with a runbook line and a recovery', () => {
    const alarm = (name: string) => created.find((c) => c.kind === 'MetricAlarm' && c.name === name)?.args;
    expect(alarm('OldestCommandAge')).toMatchObject({
      metricName: 'ApproximateAgeOfOldestMessage',
      dimensions: { QueueName: 'Commands' },
      threshold: 120,
    });
    expect(alarm('SlackAckNearTimeout')).toMatchObject({
      metricName: 'Duration',
      extendedStatistic: 'p99',
      threshold: 2500,
    });
    for (const fnName of ['Slack', 'Worker', 'Expire']) {
      expect(alarm(`${fnName}Throttles`)).toMatchObject({
        metricName: 'Throttles',
        dimensions: { FunctionName: fnName },
      });
    }
    for (const dlq of ['CommandsDeadLetter', 'JobsDeadLetter']) {
      const queries = alarm(`${dlq}Growing`)!.metricQueries as { expression?: string }[];
      expect(queries.map((q) => q.expression).filter(Boolean)).toEqual(['DIFF(visible)']);
    }
    for (const name of [
      'OldestCommandAge',
      'SlackAckNearTimeout',
      'WorkerThrottles',
      'CommandsDeadLetterGrowing',
    ]) {
      expect(alarm(name)).toMatchObject({
        alarmActions: ['arn:aws:sns:eu-west-1:123456789012:Alarms'],
        okActions: ['arn:aws:sns:eu-west-1:123456789012:Alarms'],
        alarmDescription: expect.stringMatching(/: /),
      });
    }
  });

  it('subscribes the alarm e-mail only where the stage names one', async () => {
    expect(created.filter((c) => c.kind === 'TopicSubscription')).toEqual([]);
    await deploy('production');
    expect(created.filter((c) => c.kind === 'TopicSubscription').map((c) => c.args.endpoint)).toEqual([
      loadStage('production').deploy.alarmEmail,
    ]);
  });

  it('stops before creating anything when the stage is unknown', async () => {
    await expect(deploy('nope')).rejects.toThrow(/There is no stage "nope"/);
    expect(created).toEqual([]);
  });
});
