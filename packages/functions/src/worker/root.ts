import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { deriveApprovalKey } from '@ec2ops/core/approvals';
import { commands } from '@ec2ops/core/commands';
import { fleetOf } from '../accounts/clients';
import { organizationLookup } from '../accounts/organization';
import { createAuditor } from '../audit';
import { stageCoordinationTable } from '../coordination/root';
import { workerCoordination } from '../coordination/worker';
import { ec2ClientsByRegion, ec2Gateway } from '../ec2/client';
import { lambdaForecastStarter } from '../forecast-starter';
import { expirySchedulesFromRoot } from '../ops/expiry-schedules';
import { statusSourcesFromRoot } from '../ops/status';
import { awsClientSettings, createLogger, loadBaseEnv, type Root } from '../root';
import { createSlackNotifier, slackWebClient } from '../slack-notifier';
import { createMeter } from '../telemetry/meter';
import type { WorkerDeps } from './dispatch';
import { EXECUTORS } from './executors/index';

/**
 * The worker's assembly over the root: EC2 clients (one factory, one retry policy), the Slack
 * notifier, audit, the root's clock. Once per cold start. QUEUE_MAX_RECEIVE_COUNT must match the
 * queue's redrive policy (default 3).
 */
export function workerRoot(root: Root): WorkerDeps {
  const base = loadBaseEnv(root.env, { queue: false }, root.secret);
  const logger = createLogger(root.env, { fn: 'worker', stage: base.config.stage });
  const slack = createSlackNotifier(slackWebClient(base.botToken, root.endpoints.slackApi), logger);
  const auditChannel = base.config.slack.auditChannel;
  const ec2 = ec2ClientsByRegion({ endpoint: root.endpoints.ec2, credentials: root.credentials });
  // Set by infra when the stage deploys the Forecast function; without it /ec2 forecast says so.
  const forecastFunction = root.env['FORECAST_FUNCTION_NAME'];
  const table = stageCoordinationTable(root, base.config, (m) => logger.warn(m), { ackPath: false });
  return {
    config: base.config,
    commands,
    executors: EXECUTORS,
    ec2: ec2Gateway(base.config.regions, ec2),
    slack,
    clock: root.clock,
    fleet: base.config.accounts?.length || base.config.organization ? fleetOf(root, base.config) : undefined,
    coordination: table ? workerCoordination(table, () => root.clock.now()) : undefined,
    logger,
    auditor: createAuditor(
      logger,
      auditChannel ? async (_record, text) => void (await slack.post(auditChannel, { text })) : undefined,
    ),
    approvalKey: deriveApprovalKey(base.signingSecret, base.config.stage),
    forecasts: forecastFunction
      ? lambdaForecastStarter(awsClientSettings(root, root.endpoints.lambda), forecastFunction)
      : undefined,
    maxReceiveCount: base.maxReceiveCount,
    expiry: expirySchedulesFromRoot(root),
    status: statusSourcesFromRoot(root, table),
    meter: createMeter(root.env, base.config.stage),
    // Built on first use (a share with `org` / `ou-…`); Organizations is global, served from us-east-1.
    organization: organizationLookup(
      () =>
        new OrganizationsClient({
          ...awsClientSettings(root, root.endpoints.organizations),
          region: 'us-east-1',
        }),
    ),
  };
}
