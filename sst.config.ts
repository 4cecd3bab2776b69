/// <reference path="./.sst/platform/config.d.ts" />

/**
 * ec2ops, one deployment per stage: `sst deploy --stage <name>` with `infra/stages/<name>.ts`.
 * This file only composes infra/*, one file per concern.
 */
export default $config({
  async app(input) {
    const { isProductionStage } = await import('./infra/stages');
    const production = isProductionStage(input?.stage);
    return {
      name: 'ec2ops',
      home: 'aws',
      protect: production,
      removal: production ? 'retain' : 'remove',
    };
  },
  async run() {
    // Validates the stage first: a bad setting fails here, before anything is created.
    const { stage } = await import('./infra/stage');
    await import('./infra/secrets');
    await import('./infra/queue');
    await import('./infra/coordination');
    await import('./infra/alarm-topic');
    const { ec2Policies } = await import('./infra/iam');
    await import('./infra/ops');
    await import('./infra/forecast');
    const { slackFunction } = await import('./infra/slack');
    await import('./infra/jobs');
    await import('./infra/alarms');
    await import('./infra/alarms-slack');
    await import('./infra/ops-alarms');
    await import('./infra/telemetry-alarms');
    await import('./infra/dashboard');
    const { stageSummary } = await import('./infra/summary');

    return {
      SlackRequestUrl: slackFunction.url,
      ...stageSummary(stage.config),
      ...(ec2Policies.warnings.length ? { Ec2PolicyWarnings: ec2Policies.warnings.join('; ') } : {}),
    };
  },
});
