/**
 * Every `code` an ec2ops error carries, listed once. Codes are stable: logs, tests, the docs and
 * people reading a Slack reply rely on them, so a new one is added here on purpose, and a test
 * (test/codebase/error-codes.test.ts) fails when the code base uses one that is not listed.
 * EC2, SQS and Slack API codes the emulators answer with are theirs, not ec2ops', and not here.
 */
export const ERROR_CODES = [
  // `/ec2 open`, `close`, `access extend`: security-group access requests
  'access.access-group-ambiguous',
  'access.bad-port',
  'access.bad-source',
  'access.close-usage',
  'access.duration-too-long',
  'access.extend-needs-approval',
  'access.group-full',
  'access.group-not-allowed',
  'access.no-access-group',
  'access.no-source',
  'access.not-managed',
  'access.not-yours',
  'access.port-never',
  'access.range-too-wide',
  'access.refused-by-ec2',
  'access.rule-not-found',
  'access.source-not-allowed',
  'access.target-ambiguous',
  'access.target-not-found',
  'access.world-open',
  // `/ec2 ami …` commands
  'ami.image-malformed',
  'ami.image-not-found',
  'ami.image-not-owned',
  'ami.instance-ambiguous',
  'ami.instance-not-found',
  'ami.instance-state',
  'ami.not-in-recycle-bin',
  'ami.not-in-organization',
  'ami.not-managed',
  // approval requests and decisions
  'approval.already-decided',
  'approval.expired',
  'approval.forged',
  'approval.malformed',
  'approval.no-channel',
  'approval.role',
  'approval.self',
  'approval.too-long',
  // the AMI bake job
  'bake.region',
  // the `ec2ops` command line
  'cli.config',
  'cli.days',
  'cli.endpoints',
  'cli.flags',
  'cli.host',
  'cli.iam',
  'cli.iam.format',
  'cli.job',
  'cli.member-role',
  'cli.no-ec2',
  'cli.now',
  'cli.port',
  'cli.region',
  'cli.sandbox-clock',
  'cli.stage',
  'cli.state',
  // parsing and routing a slash command
  'command.duplicate',
  'command.extra-argument',
  'command.invalid-value',
  'command.missing-argument',
  'command.missing-value',
  'command.not-implemented',
  'command.stale',
  'command.unclosed-quote',
  'command.unknown',
  'command.unknown-option',
  // stage configuration (ConfigError)
  'config.invalid',
  // Elastic IP commands
  'eip.associated',
  'eip.classic',
  'eip.instance-ambiguous',
  'eip.instance-has-address',
  'eip.instance-not-found',
  'eip.instance-not-managed',
  'eip.instance-not-yours',
  'eip.instance-state',
  'eip.instance-terminated',
  'eip.kept',
  'eip.locked',
  'eip.malformed',
  'eip.no-internet-gateway',
  'eip.not-found',
  'eip.not-yours',
  'eip.ptr-set',
  // the sandbox's EC2 fault injection
  'emulator.faults',
  // many accounts and regions (issue 15): account=/region=, member roles, fan-out
  'fleet.assume-role-failed',
  'fleet.continuation-cap',
  'fleet.no-role-there',
  'fleet.shard-missing',
  'fleet.unknown-account',
  'fleet.unknown-region',
  // `/ec2 extend`
  'extend.too-long',
  // instance lifecycle commands
  'instance.ambiguous',
  'instance.iam-denied',
  'instance.malformed-id',
  'instance.not-found',
  'instance.not-owner',
  'instance.protected',
  'instance.state',
  'instance.unmanaged',
  // scheduled jobs
  'job.event',
  'job.not-applied',
  'job.not-implemented',
  'job.region',
  'job.shard-message',
  // `/ec2 launch`
  'launch.alias-empty',
  'launch.architecture-mismatch',
  'launch.count-too-high',
  'launch.ec2-InstanceLimitExceeded',
  'launch.ec2-InsufficientFreeAddressesInSubnet',
  'launch.ec2-InsufficientInstanceCapacity',
  'launch.ec2-InvalidGroup.NotFound',
  'launch.ec2-InvalidKeyPair.NotFound',
  'launch.ec2-InvalidParameter',
  'launch.ec2-InvalidParameterCombination',
  'launch.ec2-InvalidSubnetID.NotFound',
  'launch.ec2-UnauthorizedOperation',
  'launch.ec2-Unsupported',
  'launch.ec2-VcpuLimitExceeded',
  'launch.image-deprecated',
  'launch.image-malformed',
  'launch.image-missing',
  'launch.image-not-approved',
  'launch.image-not-available',
  'launch.image-unknown',
  'launch.reservation-contended',
  'launch.subnet-not-allowed',
  'launch.subnet-unknown',
  'launch.ttl-too-long',
  'launch.type-malformed',
  'launch.type-needs-approval',
  'launch.type-not-allowed',
  'launch.type-too-large',
  'launch.type-unknown',
  'launch.user-limit',
  // the Slack app manifest
  'manifest.format',
  'manifest.stage',
  'manifest.url',
  // a refusal relayed from the worker without a code of its own
  'refused',
  // an incoming Slack request
  'request.bad-payload',
  // who may run a command
  'role.insufficient',
  'role.none',
  'role.unavailable',
  // the local sandbox
  'sandbox.port',
  'sandbox.port-in-use',
  'sandbox.state',
  // schedule expressions
  'schedule.invalid',
  // `ec2ops sandbox seed`
  'seed.scale',
  // `ec2ops slack` (the Slack emulator CLI)
  'slack.bad_settle',
  'slack.bad_url',
  'slack.bad_wait',
  'slack.no_url',
  'slack.not_a_command',
  'slack.unreachable',
  // the twin of an account and its forecast
  'forecast.days',
  'forecast.not-started',
  'forecast.job-failed',
  'twin.mutating-call',
  'twin.state',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const KNOWN: ReadonlySet<string> = new Set(ERROR_CODES);

export function isErrorCode(value: string): value is ErrorCode {
  return KNOWN.has(value);
}
