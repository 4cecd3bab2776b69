import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FunctionName } from '@ec2ops/core/capability';
import { instanceRoleName, resolveJobSettings } from '@ec2ops/core/config';
import { FORECAST_FUNCTION, forecastPolicy, policyScope, stagePolicies } from '@ec2ops/core/iam';
import { JOB_DEFINITIONS } from '@ec2ops/core/job-catalog';
import { heartbeatWindow, METRICS, METRICS_NAMESPACE, type MetricName } from '@ec2ops/core/telemetry';
import {
  COORDINATION_ACCESS,
  type CoordinationUser,
  leadingKeyPatterns,
} from '@ec2ops/functions/coordination/access';
import { TTL_ATTR } from '@ec2ops/functions/coordination/table';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EC2_INLINE_POLICY,
  FORECAST_HANDLER,
  FORECAST_SIZE,
  HANDLERS,
  pascalCase,
} from '../../infra/functions';
import { loadStage } from '../../infra/stages';
import { ACCOUNT, REGION } from './synth-mocks';
import { ensurePlatform, list, type Stack, synthesize } from './synthesized';

/**
 * What `sst deploy` would create, read from the project's own sst.config.ts run against SST's
 * real components under Pulumi's mock runtime (see ./synthesize.ts): not a stand-in for SST.
 */

const STAGES = ['dev', 'production'] as const;
const stacks = new Map<string, Stack>();

/** SST's component name for each of ec2ops's functions. */
const OPS_HANDLERS: Record<string, string> = {
  Expire: 'packages/functions/src/ops/expire.handler.handler',
  AlarmsSubscriberAlarmsToSlackFunction: 'packages/functions/src/ops/alarms.handler.handler',
};
const SST_NAME: Record<FunctionName, string> = {
  slack: 'Slack',
  worker: 'Worker',
  ...(Object.fromEntries(JOB_DEFINITIONS.map((j) => [j.function, `${pascalCase(j.name)}Job`])) as Record<
    Exclude<FunctionName, 'slack' | 'worker'>,
    string
  >),
};

/** IAM counts a role's inline policies together, without whitespace. */
const INLINE_LIMIT = 10_240;
const TRUST_LIMIT = 2_048;
const iamLength = (json: string) => json.replace(/\s+/g, '').length;

beforeAll(async () => {
  await ensurePlatform();
  const built = await Promise.all(STAGES.map((stage) => synthesize(stage)));
  for (const [i, stage] of STAGES.entries()) stacks.set(stage, built[i]!);
}, 900_000);

describe.each(STAGES)('the %s stack', (stageName) => {
  const stack = () => stacks.get(stageName)!;
  const config = () => loadStage(stageName).config;
  const fn = (name: FunctionName) => stack().functions.find((f) => f.name === SST_NAME[name])!;
  const lambda = (name: FunctionName) =>
    stack().resources.find(
      (r) => r.type === 'aws:lambda/function:Function' && r.name === `${SST_NAME[name]}Function`,
    )!;
  const ec2Statements = (name: FunctionName) =>
    fn(name).inline.find((p) => p.name === EC2_INLINE_POLICY)?.document.Statement ?? [];
  const allEc2Statements = () => Object.keys(SST_NAME).flatMap((n) => ec2Statements(n as FunctionName));
  const granting = (action: string) =>
    allEc2Statements().filter((s) => list(s.Action).some((a) => a.toLowerCase() === action.toLowerCase()));

  it('deploys the slack function, the worker, one function per job and the two operations functions, each with its handler', () => {
    expect(
      stack()
        .functions.map((f) => f.name)
        .sort(),
    ).toEqual([...Object.values(SST_NAME), ...Object.keys(OPS_HANDLERS), FORECAST_FUNCTION].sort());
    // Operations (infra/ops.ts, infra/alarms-slack.ts): the expiry schedules' target and the alarm topic's subscriber.
    for (const [name, handler] of Object.entries(OPS_HANDLERS)) {
      const deployed = stack().resources.find(
        (r) => r.type === 'aws:lambda/function:Function' && r.name === `${name}Function`,
      );
      expect(deployed?.inputs.handler, name).toBe(handler);
    }
    for (const name of Object.keys(SST_NAME) as FunctionName[]) {
      expect(lambda(name).inputs.handler, name).toBe(HANDLERS[name]);
      expect(lambda(name).inputs.runtime, name).toBe('nodejs22.x');
    }
  });

  it('deploys the Forecast function with minutes to run, read-only EC2 grants, and lets only the worker start it', () => {
    const forecast = stack().resources.find(
      (r) => r.type === 'aws:lambda/function:Function' && r.name === `${FORECAST_FUNCTION}Function`,
    )!;
    expect(forecast.inputs.handler).toBe(FORECAST_HANDLER);
    expect(forecast.inputs.timeout).toBe(FORECAST_SIZE.timeoutSeconds);
    const role = stack().functions.find((f) => f.name === FORECAST_FUNCTION)!;
    const ec2 = role.inline.find((p) => p.name === EC2_INLINE_POLICY)!.document.Statement;
    expect(ec2).toEqual(forecastPolicy(policyScope(config())).Statement);
    expect(ec2.flatMap((st) => list(st.Action)).every((a) => /^ec2:Describe/.test(a))).toBe(true);
    const invokers = stack().functions.filter((f) =>
      f.inline.some((p) =>
        p.document.Statement.some((st) => list(st.Action).includes('lambda:InvokeFunction')),
      ),
    );
    expect(invokers.map((f) => f.name)).toEqual([SST_NAME.worker]);
  });

  it('lets only Lambda assume a function role', () => {
    for (const f of stack().functions) {
      expect(f.trust.Statement, f.name).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    }
  });

  it('attaches no policy beside the ones SST manages on the role', () => {
    const beside = stack().resources.filter((r) =>
      /^aws:iam\/(rolePolicy|rolePolicyAttachment|policyAttachment|policy):/.test(r.type),
    );
    expect(beside.map((r) => `${r.type} ${r.name}`)).toEqual([]);
  });

  it("puts each function's EC2 grants in its own role's inline policies, as core builds them", () => {
    const { policies } = stagePolicies(config());
    for (const name of Object.keys(SST_NAME) as FunctionName[]) {
      const expected = policies[name].Statement;
      expect(ec2Statements(name), name).toEqual(expected);
      expect(fn(name).inline.filter((p) => p.name === EC2_INLINE_POLICY).length, name).toBe(
        expected.length ? 1 : 0,
      );
    }
    expect(ec2Statements('slack')).toEqual([]);
  });

  it("keeps every role within IAM's size limits", () => {
    for (const f of stack().functions) {
      const inline = f.inline.reduce((sum, p) => sum + iamLength(p.policy), 0);
      expect(inline, `${f.name} inline policies`).toBeLessThanOrEqual(INLINE_LIMIT);
      expect(iamLength(JSON.stringify(f.trust)), `${f.name} trust policy`).toBeLessThanOrEqual(TRUST_LIMIT);
      expect(f.managedPolicyArns.length, f.name).toBeLessThanOrEqual(10);
    }
  });

  it('allows no EC2 grant outside the stage regions', () => {
    for (const s of allEc2Statements().filter((s) => list(s.Action).some((a) => a.startsWith('ec2:')))) {
      expect(list(s.Condition?.StringEquals?.['aws:RequestedRegion']).sort(), s.Sid).toEqual(
        [...config().regions].sort(),
      );
    }
  });

  it('keeps the Slack secrets out of every environment and the stage config in each', () => {
    for (const name of Object.keys(SST_NAME) as FunctionName[]) {
      const env = (lambda(name).inputs.environment as { variables: Record<string, string> }).variables;
      expect(JSON.stringify(env), name).not.toMatch(/xoxb-synth|synth-signing-secret/);
      expect(JSON.parse(env.EC2OPS_CONFIG!), name).toEqual(JSON.parse(loadStage(stageName).configJson));
    }
  });

  it('lets only the slack function send commands and only the worker receive them', () => {
    const sqs = (name: FunctionName) =>
      fn(name)
        .inline.filter((p) => p.name === 'inline')
        .flatMap((p) => p.document.Statement)
        .flatMap((s) => list(s.Action))
        // The same SST policy holds the coordination table's grants (checked below).
        .filter((a) => a.startsWith('sqs:'));
    expect(sqs('slack')).toEqual(['sqs:SendMessage']);
    expect(sqs('worker')).not.toContain('sqs:SendMessage');
    expect(sqs('worker')).toContain('sqs:ReceiveMessage');
  });

  it("gives each job its own shard queue (with the shards' dead-letter queue), consumed by its function one message a batch at the stage's shard concurrency, and lets it send only there", () => {
    const queues = stack().resources.filter((r) => r.type === 'aws:sqs/queue:Queue');
    const mappings = stack().resources.filter(
      (r) => r.type === 'aws:lambda/eventSourceMapping:EventSourceMapping',
    );
    for (const job of JOB_DEFINITIONS) {
      const id = pascalCase(job.name);
      const queue = queues.find((q) => q.name.startsWith(`${id}Shards`));
      expect(queue, job.name).toBeDefined();
      expect(String(queue!.inputs.redrivePolicy), job.name).toMatch(/ShardsDeadLetter/);
      const mapping = mappings.find((m) => m.name.startsWith(`${id}Shards`))!;
      expect(mapping, job.name).toBeDefined();
      expect(mapping.inputs).toMatchObject({
        batchSize: 1,
        functionResponseTypes: ['ReportBatchItemFailures'],
        scalingConfig: { maximumConcurrency: config().fanOut.shardConcurrency },
      });
      const sends = fn(job.function)
        .inline.flatMap((p) => p.document.Statement)
        .filter((st) => list(st.Action).includes('sqs:SendMessage'))
        .flatMap((st) => list(st.Resource ?? []));
      // Its own shard queue and the jobs' dead-letter queue: no other job's queue, no command queue.
      expect(
        sends.filter((r) => /Shards/.test(r)),
        job.name,
      ).toEqual([expect.stringMatching(new RegExp(`${id}Shards`))]);
      expect(
        sends.some((r) => /Commands/.test(r)),
        job.name,
      ).toBe(false);
      const lambdaFn = stack().resources.find(
        (r) => r.type === 'aws:lambda/function:Function' && r.name === `${SST_NAME[job.function]}Function`,
      )!;
      const env = (lambdaFn.inputs.environment as { variables: Record<string, string> }).variables;
      expect(env['SHARD_QUEUE_URL'], job.name).toMatch(new RegExp(`${id}ShardsQueue`, 'i'));
    }
  });

  it('schedules every job from the catalog, in the jobs dead-letter queue when it fails', () => {
    const schedules = stack().resources.filter((r) => r.type === 'aws:scheduler/schedule:Schedule');
    expect(schedules).toHaveLength(JOB_DEFINITIONS.length);
    for (const s of schedules) {
      const target = s.inputs.target as { deadLetterConfig: { arn: string } };
      expect(target.deadLetterConfig.arn, s.name).toMatch(/JobsDeadLetter/);
      expect(s.inputs.scheduleExpression, s.name).toMatch(/^(rate|cron)\(/);
    }
  });

  it('passes to EC2 exactly the stage instance-profile role, and nothing else', () => {
    const passRole = granting('iam:PassRole');
    const role = instanceRoleName(config().launch);
    expect(passRole.length).toBeGreaterThan(0);
    for (const s of passRole) {
      expect(list(s.Resource), s.Sid).toEqual([`arn:aws:iam::*:role/${role}`]);
      expect(s.Condition?.StringEquals?.['iam:PassedToService'], s.Sid).toBe('ec2.amazonaws.com');
    }
  });
});

describe.each(STAGES)('the %s stack grants only what the code needs', (stageName) => {
  const config = () => loadStage(stageName).config;
  const statements = (name: FunctionName) =>
    stacks
      .get(stageName)!
      .functions.find((f) => f.name === SST_NAME[name])!
      .inline.filter((p) => p.name === EC2_INLINE_POLICY)
      .flatMap((p) => p.document.Statement);
  const on = (name: FunctionName, action: string, resource: string) =>
    statements(name).filter(
      (s) => list(s.Action).includes(action) && list(s.Resource).some((r) => r.includes(resource)),
    );
  const cond = (
    s: { Condition?: Record<string, Record<string, string | string[]>> },
    op: string,
    key: string,
  ) => s.Condition?.[op]?.[key];

  it('images only managed instances on request, and only bake=nightly ones in the nightly bake', () => {
    const worker = on('worker', 'ec2:CreateImage', ':instance/');
    expect(worker.length).toBeGreaterThan(0);
    for (const s of worker)
      expect(cond(s, 'StringEquals', 'aws:ResourceTag/ec2ops:managed'), s.Sid).toBe('true');
    const bake = on('ami-bake', 'ec2:CreateImage', ':instance/');
    expect(bake.length).toBeGreaterThan(0);
    for (const s of bake) {
      expect(cond(s, 'StringEquals', 'aws:ResourceTag/ec2ops:bake'), s.Sid).toBe('nightly');
      expect(cond(s, 'StringEquals', 'aws:ResourceTag/ec2ops:managed'), s.Sid).toBe('true');
    }
  });

  it('adds only rules tagged for the sweeper, and removes only rules ec2ops manages', () => {
    const authorize = on('worker', 'ec2:AuthorizeSecurityGroupIngress', ':security-group-rule/');
    expect(authorize.length).toBeGreaterThan(0);
    for (const s of authorize) {
      expect(cond(s, 'StringEquals', 'aws:RequestTag/ec2ops:managed'), s.Sid).toBe('true');
      expect(cond(s, 'Null', 'aws:RequestTag/ec2ops:expires-at'), s.Sid).toBe('false');
    }
    const revoke = [
      ...on('worker', 'ec2:RevokeSecurityGroupIngress', ':security-group-rule/'),
      ...on('port-sweep', 'ec2:RevokeSecurityGroupIngress', ':security-group-rule/'),
    ];
    expect(revoke.length).toBeGreaterThan(0);
    for (const s of revoke)
      expect(cond(s, 'StringEquals', 'aws:ResourceTag/ec2ops:managed'), s.Sid).toBe('true');
  });

  it('attaches only managed addresses to managed instances, and releases nothing kept or unmanaged', () => {
    const associate = statements('worker').filter((s) => list(s.Action).includes('ec2:AssociateAddress'));
    for (const s of associate.filter((s) =>
      list(s.Resource).some((r) => /:(elastic-ip|instance)\//.test(r)),
    )) {
      expect(cond(s, 'StringEquals', 'aws:ResourceTag/ec2ops:managed'), s.Sid).toBe('true');
    }
    const release = [...statements('worker'), ...statements('eip-cleanup')].filter((s) =>
      list(s.Action).includes('ec2:ReleaseAddress'),
    );
    expect(release.length).toBeGreaterThan(0);
    for (const s of release) {
      expect(cond(s, 'StringNotEquals', 'aws:ResourceTag/ec2ops:keep'), s.Sid).toBe('true');
      if (config().eip.scope === 'managed')
        expect(cond(s, 'StringEquals', 'aws:ResourceTag/ec2ops:managed'), s.Sid).toBe('true');
    }
  });

  it('reads only the SSM parameters the stage lets launch templates name', () => {
    const allowed = config().launch.images.ssmParameters.map((n) => `arn:aws:ssm:*:*:parameter${n}`);
    const ssm = [...statements('worker'), ...statements('ami-bake')].filter((s) =>
      list(s.Action).includes('ssm:GetParameters'),
    );
    expect(ssm.length).toBeGreaterThan(0);
    for (const s of ssm) expect(list(s.Resource), s.Sid).toEqual(allowed);
  });

  it("launches only into the stage's subnets and groups, from its image owners, with its profile, IMDSv2 and encryption", () => {
    const launch = config().launch;
    const run = (resource: string) => on('worker', 'ec2:RunInstances', resource);
    const subnets = [...new Set(Object.values(launch.subnets.aliases))].sort();
    expect(run(':subnet/').flatMap((s) => list(s.Resource))).toEqual(
      subnets.map((id) => `arn:aws:ec2:*:*:subnet/${id}`),
    );
    expect(run(':security-group/').flatMap((s) => list(s.Resource))).toEqual(
      launch.securityGroups.map((id) => `arn:aws:ec2:*:*:security-group/${id}`),
    );
    for (const s of run(':image/')) {
      const owners = list(cond(s, 'StringEquals', 'ec2:Owner'));
      expect(owners, s.Sid).toEqual(
        expect.arrayContaining(Object.values(launch.images.aliases).map((a) => a.owner)),
      );
      expect(owners.length, s.Sid).toBeGreaterThan(0);
    }
    const [instance] = run(':instance/');
    expect(cond(instance!, 'StringEquals', 'ec2:MetadataHttpTokens')).toBe('required');
    expect(cond(instance!, 'ArnLike', 'ec2:InstanceProfile')).toBe(
      `arn:aws:iam::*:instance-profile/${launch.instanceProfile}`,
    );
    expect(list(cond(instance!, 'StringLike', 'ec2:InstanceType')).length).toBeGreaterThan(0);
    for (const s of run(':volume/')) expect(cond(s, 'Bool', 'ec2:Encrypted'), s.Sid).toBe('true');
  });
});

describe.each(STAGES)('the %s coordination table', (stageName) => {
  const stack = () => stacks.get(stageName)!;
  const tables = () => stack().resources.filter((r) => r.type === 'aws:dynamodb/table:Table');
  const table = () => tables()[0]!;
  /** Which coordination user each function is (infra/slack.ts, infra/jobs.ts). */
  const USER: Record<FunctionName, CoordinationUser> = {
    slack: 'slack',
    worker: 'worker',
    ...(Object.fromEntries(JOB_DEFINITIONS.map((j) => [j.function, 'jobs'])) as Record<
      Exclude<FunctionName, 'slack' | 'worker'>,
      CoordinationUser
    >),
  };
  const dynamoStatements = (name: FunctionName) =>
    stack()
      .functions.find((f) => f.name === SST_NAME[name])!
      .inline.flatMap((p) => p.document.Statement)
      .filter((s) => list(s.Action).some((a) => a.startsWith('dynamodb:')));

  it('is one on-demand table whose items expire by TTL', () => {
    expect(tables()).toHaveLength(1);
    expect(table().inputs.billingMode).toBe('PAY_PER_REQUEST');
    expect(table().inputs.ttl).toMatchObject({ attributeName: TTL_ATTR, enabled: true });
  });

  it('has point-in-time recovery in production only', () => {
    const pitr = table().inputs.pointInTimeRecovery as { enabled: boolean } | undefined;
    expect(pitr?.enabled ?? false).toBe(loadStage(stageName).config.production === true);
  });

  it("lets each function use only this table, only with its code's actions, only for its own kinds of item", () => {
    // The mock runtime gives every resource the ARN `arn:aws:<service>:<region>:<account>:<name>`.
    const arn = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:${table().inputs.name ?? table().name}`;
    for (const name of Object.keys(SST_NAME) as FunctionName[]) {
      const statements = dynamoStatements(name);
      const user = USER[name];
      expect(statements, name).toHaveLength(1);
      const [s] = statements;
      expect(list(s!.Action).sort(), name).toEqual([...COORDINATION_ACCESS[user].actions].sort());
      expect(list(s!.Resource), name).toEqual([arn]);
      expect(list(s!.Condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).sort(), name).toEqual(
        leadingKeyPatterns(user).sort(),
      );
    }
  });
});

describe('alarm e-mail', () => {
  it('is subscribed only where the stage names one', () => {
    for (const stage of STAGES) {
      const endpoints = stacks
        .get(stage)!
        .resources.filter(
          (r) => r.type === 'aws:sns/topicSubscription:TopicSubscription' && r.inputs.protocol === 'email',
        )
        .map((r) => r.inputs.endpoint);
      const email = loadStage(stage).deploy.alarmEmail;
      expect(endpoints, stage).toEqual(email ? [email] : []);
    }
  });
});

describe.each(STAGES)('the %s stack watches itself', (stageName) => {
  const stack = () => stacks.get(stageName)!;
  const alarms = () => stack().resources.filter((r) => r.type === 'aws:cloudwatch/metricAlarm:MetricAlarm');
  const alarm = (name: string) => alarms().find((r) => r.name === name);
  // The mock runtime gives a resource the ARN `arn:aws:<service>:<region>:<account>:<name>`.
  const topicArn = () => {
    const topic = stack().resources.find((r) => r.type === 'aws:sns/topic:Topic' && r.name === 'AlarmsTopic');
    return (
      topic && `arn:aws:sns:${REGION}:${ACCOUNT}:${(topic.inputs.name as string | undefined) ?? topic.name}`
    );
  };

  it('has one dashboard for the stage, charting the metrics the functions emit', () => {
    const dashboards = stack().resources.filter((r) => r.type === 'aws:cloudwatch/dashboard:Dashboard');
    expect(dashboards.map((d) => d.inputs.dashboardName)).toEqual([`ec2ops-${stageName}`]);
    const body = JSON.parse(dashboards[0]!.inputs.dashboardBody as string) as {
      widgets: { properties: { title: string; region: string; metrics: unknown[][] } }[];
    };
    const titles = body.widgets.map((w) => w.properties.title);
    for (const topic of [/^Commands/, /^Errors/, /oldest command/, /^Job runs/, /^Savings/, /^Ack latency/])
      expect(
        titles.some((t) => topic.test(t)),
        String(topic),
      ).toBe(true);
    const rows = body.widgets.flatMap((w) => w.properties.metrics);
    // Every ec2ops metric charted is one the catalogue defines, in this stage, with its dimensions.
    const ours = rows.filter((row) => row[0] === METRICS_NAMESPACE);
    expect(ours.length).toBeGreaterThan(0);
    for (const row of ours) {
      const name = row[1] as MetricName;
      expect(Object.keys(METRICS)).toContain(name);
      const dims = Object.fromEntries(
        (row.slice(2).filter((x) => typeof x === 'string') as string[]).flatMap((x, i, a) =>
          i % 2 === 0 ? [[x, a[i + 1]]] : [],
        ),
      );
      expect(dims['stage']).toBe(stageName);
      expect(Object.keys(dims).sort()).toEqual(['stage', ...METRICS[name].dimensions].sort());
    }
    const searches = rows.flatMap((row) =>
      row.flatMap((x) => (x && typeof x === 'object' && 'expression' in x ? [String(x.expression)] : [])),
    );
    expect(
      searches.some((s) => s.includes('MetricName="Commands"') && s.includes(`stage="${stageName}"`)),
    ).toBe(true);
    for (const w of body.widgets) expect(w.properties.region).toBe(REGION);
  });

  it('alarms per job when it misses two schedule periods, hits its deadline, or EC2 throttles it', () => {
    for (const job of JOB_DEFINITIONS) {
      const id = pascalCase(job.name);
      const dimensions = { stage: stageName, job: job.name };
      const settings = resolveJobSettings(loadStage(stageName).config, job.name);
      const heartbeat = alarm(`${id}Heartbeat`);
      if (!settings.enabled) {
        expect(heartbeat, `${job.name} is disabled: nothing to miss`).toBeUndefined();
      } else {
        const window = heartbeatWindow(settings.schedule, settings.timeZone);
        expect(heartbeat?.inputs, job.name).toMatchObject({
          namespace: METRICS_NAMESPACE,
          metricName: 'JobHeartbeat',
          dimensions,
          statistic: 'Sum',
          period: window.periodSeconds,
          evaluationPeriods: 2,
          datapointsToAlarm: 2,
          threshold: 1,
          comparisonOperator: 'LessThanThreshold',
          treatMissingData: 'breaching',
        });
      }
      expect(alarm(`${id}DeadlineHit`)?.inputs, job.name).toMatchObject({
        namespace: METRICS_NAMESPACE,
        metricName: 'JobDeadlineHit',
        dimensions,
        threshold: 0,
        comparisonOperator: 'GreaterThanThreshold',
        treatMissingData: 'notBreaching',
      });
      expect(alarm(`${id}Ec2Throttled`)?.inputs, job.name).toMatchObject({
        namespace: METRICS_NAMESPACE,
        metricName: 'Ec2Throttles',
        dimensions,
        comparisonOperator: 'GreaterThanThreshold',
      });
    }
    expect(alarm('OldestCommandAge')?.inputs).toMatchObject({ metricName: 'ApproximateAgeOfOldestMessage' });
    expect(alarm('SlackAckNearTimeout')?.inputs).toMatchObject({ extendedStatistic: 'p99', threshold: 2500 });
    expect(alarm('CommandsDeadLetterGrowing')?.inputs.metricQueries).toContainEqual(
      expect.objectContaining({ expression: 'DIFF(visible)' }),
    );
  });

  it('sends every alarm and its recovery to the alarm topic, which the ops function subscribes to', () => {
    const topic = topicArn();
    expect(topic).toBeDefined();
    for (const a of alarms()) {
      expect(a.inputs.alarmActions, a.name).toEqual([topic]);
      expect(a.inputs.okActions, a.name).toEqual([topic]);
    }
    const lambdaSubscriptions = stack().resources.filter(
      (r) => r.type === 'aws:sns/topicSubscription:TopicSubscription' && r.inputs.protocol === 'lambda',
    );
    expect(lambdaSubscriptions.map((s) => s.inputs.topic)).toEqual([topic]);
  });

  it('gives every alarm a runbook line: its description, and its row in docs/operations.md', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/operations.md'), 'utf8');
    const watched = doc.slice(doc.indexOf('## What is watched'));
    const jobIds = JOB_DEFINITIONS.map((j) => pascalCase(j.name));
    for (const a of alarms()) {
      expect(String(a.inputs.alarmDescription ?? '').length, a.name).toBeGreaterThan(20);
      // Per-job alarms are listed once, as `<Job>…`.
      const job = jobIds.find((id) => a.name.startsWith(id) && a.name !== id);
      const row = job ? `<Job>${a.name.slice(job.length)}` : a.name;
      expect(watched, a.name).toContain(`\`${row}\``);
    }
  });
});
