import type { StageConfig } from '../config';
import { HOURS_PER_MONTH, type JobName, type ReportLine } from '../jobs';

/**
 * What a forecast prices and what it would ask of an admin, per job action. Kept beside the
 * timeline so the sandbox's forecast and any other caller price things the same way.
 */

/** Money per month one done action stops spending: a released address stops its IPv4 charge. */
export function actionSaving(config: StageConfig, job: JobName, action: string): number | undefined {
  if (job === 'eip-cleanup' && action === 'release') return config.eip.pricePerHour * HOURS_PER_MONTH;
  return undefined;
}

/**
 * The question an admin gets about a done action, if any: a baked image that becomes available
 * is launchable only once an admin approves it (unless the stage auto-approves).
 */
export function approvalAsk(config: StageConfig, job: JobName, line: ReportLine): string | undefined {
  if (job === 'ami-bake' && line.action === 'mark-available' && !config.bake.autoApprove)
    return 'approve the new image for /ec2 launch';
  return undefined;
}
