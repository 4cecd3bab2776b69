import { tagKeys } from '../../tags';
/**
 * Tag keys the bake reads and writes, all under the stage's tag prefix (`ec2ops:` by default).
 * State lives in these tags, so a second run (or a lost one) re-reads where things stand.
 */
export interface BakeTagKeys {
  managed: string;
  /** On instances: `nightly` puts the instance in the nightly bake. */
  bake: string;
  /** On instances: `true` / `false` overrides the stage's reboot setting. */
  reboot: string;
  /** On instances: keep this many newest available images (overrides `bake.retention.count`). */
  retain: string;
  /** On instances: keep images younger than this many days (overrides `bake.retention.age`). */
  retainDays: string;
  sourceInstance: string;
  /** On cross-region copies (`bake.copyTo`): the image in the home region it was copied from. */
  sourceImage: string;
  bakedAt: string;
  stage: string;
  approved: string;
  keep: string;
  /** Set by the first run that sees the image available; "became available" is reported once. */
  availableAt: string;
  /** The Slack request that baked the image by hand (`/ec2 ami bake`), for idempotent retries. */
  requestId: string;
  /** On images: a digest of the `bake.shareWith` list the image was shared with (shared once). */
  sharedWith: string;
}

export function bakeTagKeys(prefix: string): BakeTagKeys {
  return tagKeys(prefix, [
    'managed',
    'bake',
    'reboot',
    'retain',
    'retainDays',
    'sourceInstance',
    'sourceImage',
    'bakedAt',
    'stage',
    'approved',
    'keep',
    'availableAt',
    'requestId',
    'sharedWith',
  ]);
}

/** Value of the bake tag that selects an instance. */
export const BAKE_NIGHTLY = 'nightly';
