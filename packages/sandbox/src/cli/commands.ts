/**
 * The subcommands, each in its own module, loaded only when it is the one being run: `--help`
 * and every other subcommand pay nothing for a subcommand's imports (the job runner, the
 * emulators, the handlers). A module registers itself with `registerCommand` when imported.
 * Add a subcommand with one line here; `summary` is what the top-level `--help` lists.
 */
export interface LazyCommand {
  summary: string;
  load: () => Promise<unknown>;
}

export const COMMANDS: Record<string, LazyCommand> = {
  sandbox: {
    summary: 'run ec2ops on this machine: emulators, the real handlers and the web console',
    load: () => import('./sandbox'),
  },
  emulator: {
    summary: 'run the EC2 Query API emulator on its own: any EC2 client can point at it',
    load: () => import('./emulator'),
  },
  slack: {
    summary: 'send a signed slash command, as Slack sends it, and print the replies as text',
    load: () => import('./slack'),
  },
  job: {
    summary: 'scheduled jobs: run one now, as its schedule would',
    load: () => import('./job'),
  },
  manifest: {
    summary: 'print the Slack app manifest for a deployment',
    load: () => import('./manifest'),
  },
  twin: {
    summary: "read an account's EC2 resources into a twin, with Describe calls only",
    load: () => import('./twin'),
  },
  forecast: {
    summary: "what the stage's jobs will do to a twin of the account over the coming days",
    load: () => import('./forecast'),
  },
  iam: {
    summary: "print each function's generated IAM policy (what the sandbox's EC2 emulator enforces)",
    load: () => import('./iam'),
  },
  'member-role': {
    summary: 'print the member-account role for a StackSet (CloudFormation) or as IAM JSON',
    load: () => import('./member-role'),
  },
};
