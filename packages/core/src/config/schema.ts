import * as z from 'zod';
import { REGION } from '../aws-ids';
import { ConfigError } from '../errors';
import { durationSchema } from '../time/durations';
import { accessSchema } from './access';
import { bakeSchema, checkBakeRegions } from './bake';
import { eipSchema } from './eip';
import { accountSchema, channelBindingSchema, checkFleet, fanOutSchema, organizationSchema } from './fleet';
import { jobsSchema } from './jobs';
import { launchSchema } from './launch';
import { reaperSchema } from './reaper';
import { rolesSchema } from './roles';
import { slackSchema } from './slack';

/**
 * One typed object per stage. Each capability owns its section (in its own file beside this
 * one); this file only composes them. Validated when `sst.config.ts` is evaluated (so a bad
 * setting fails the deploy before anything is created) and again at every cold start.
 */
export const stageConfigSchema = z
  .object({
    stage: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'must be lower-case letters, digits and dashes'),
    /** Production stages apply by default; others plan (dry-run) unless told to apply. */
    production: z.boolean().default(false),
    /** Prefix of every tag ec2ops reads and writes. */
    tagPrefix: z
      .string()
      .regex(/^[A-Za-z0-9_.:/=+@-]{1,32}$/)
      .default('ec2ops:'),
    regions: z
      .array(z.string().regex(REGION, 'must be an AWS region such as eu-west-1'))
      .min(1)
      .default(['us-east-1']),
    slack: slackSchema.default({ approvalExpiry: '1h', groupCacheSeconds: 60 }),
    roles: rolesSchema.default({ users: {}, groups: {}, bootstrapAdmins: [] }),
    jobs: jobsSchema.prefault({}),
    eip: eipSchema.prefault({}),
    bake: bakeSchema.prefault({}),
    access: accessSchema.prefault({}),
    launch: launchSchema.prefault({}),
    reaper: reaperSchema.prefault({}),
    /** A queued command older than this is not run (an approved one counts from the decision). */
    commandMaxAge: durationSchema.default('15m'),
    /** Member accounts the hub assumes a role in (issue 15); none: the hub's own account only. */
    accounts: z.array(accountSchema).optional(),
    /** Discover member accounts from AWS Organizations (every account, or the listed OUs'). */
    organization: organizationSchema.optional(),
    /** Shards at once, continuations per shard, the run's deadline (jobs over member accounts). */
    fanOut: fanOutSchema.prefault({}),
    /** Slack channel id → the account and region its commands default to. */
    channels: z
      .record(z.string().regex(/^[CG][A-Z0-9]{2,}$/, 'must be a Slack channel id'), channelBindingSchema)
      .optional(),
  })
  .strict()
  .superRefine((stage, ctx) => {
    const issue = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: 'custom', path, message });
    checkBakeRegions(stage, issue);
    checkFleet(stage, issue);
  });

export type StageConfigInput = z.input<typeof stageConfigSchema>;
export type StageConfig = z.infer<typeof stageConfigSchema>;

/** Validates a stage config; throws a ConfigError listing every problem with its path. */
export function parseStageConfig(input: unknown): StageConfig {
  // Parsed once per cold start: zod's compiled fast path (generated with `new Function` on the
  // first parse) would cost more to build than it saves on that one parse.
  const result = stageConfigSchema.safeParse(input, { jitless: true });
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const path = issue.path.length ? issue.path.join('.') : '(root)';
    return `  - ${path}: ${issue.message}`;
  });
  throw new ConfigError(`The stage config is not valid:\n${lines.join('\n')}`, {
    hint: 'Fix the settings listed above; see docs/config.md.',
  });
}
