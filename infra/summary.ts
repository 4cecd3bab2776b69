import type { StageConfig } from '@ec2ops/core/config';
import { resolveJobSettings } from '@ec2ops/core/config';
import { JOB_NAMES } from '@ec2ops/core/jobs';

/** What `sst deploy` prints after the Slack request URL: where ec2ops talks and who may use it. */
export function stageSummary(config: StageConfig): Record<string, string> {
  const channel = (id: string | undefined) => id ?? 'none';
  const { users, groups, bootstrapAdmins } = config.roles;
  const list = (entries: [string, string][]) =>
    entries.map(([id, role]) => `${id}=${role}`).join(' ') || 'none';
  return {
    Stage: `${config.stage} (${config.production ? 'production: jobs apply' : 'not production: jobs plan only'}), regions ${config.regions.join(' ')}`,
    Channels: `reports ${channel(config.slack.reportChannel)}, approvals ${channel(config.slack.approvalsChannel)}, audit ${channel(config.slack.auditChannel)}`,
    Roles: `users ${list(Object.entries(users))}; groups ${list(Object.entries(groups))}; bootstrap admins ${bootstrapAdmins.join(' ') || 'none'}`,
    Jobs: JOB_NAMES.map((name) => {
      const job = resolveJobSettings(config, name);
      const mode = !job.enabled ? 'disabled' : job.dryRun ? 'dry-run' : 'apply';
      return `${name} ${job.schedule} ${job.timeZone} ${mode}`;
    }).join('; '),
  };
}
