import { InputError } from '@ec2ops/core';
import type { Sandbox } from '../runner/sandbox';
import { registerCommand } from './main';
import { registerSeed } from './sandbox-seed';

interface SandboxCliOptions {
  port?: string;
  state: string;
  schedule: boolean;
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new InputError('sandbox.port', `--port must be a whole number from 0 to 65535, got "${text}"`);
  }
  return port;
}

function banner(sandbox: Sandbox, stateOption: string): string {
  const e = sandbox.endpoints;
  // `ec2ops slack` finds the sandbox through <state>/endpoints.json; name the directory if not the default.
  const stateFlag = stateOption === '.sandbox' ? '' : ` --state ${stateOption}`;
  const lines = [
    '',
    `  ec2ops sandbox — ready in ${sandbox.readyInMs} ms${sandbox.seeded ? ' (new account seeded)' : ''}` +
      ` · ${(process.uptime()).toFixed(1)} s since the process started`,
    '',
    `  Console      ${e.console}`,
    `  Slack app    POST ${e.slack}`,
    `  EC2 API      ${e.ec2}`,
    `  SQS          ${e.sqs}`,
    `  Slack API    ${e.slackApi}`,
    `  State        ${sandbox.stateDir}  (endpoints.json, stage.json, ec2.json)`,
    '',
    sandbox.signingSecretSource === 'development'
      ? `  Signing secret (development, set SLACK_SIGNING_SECRET to change): ${sandbox.signingSecret}`
      : '  Signing secret: from SLACK_SIGNING_SECRET',
    '  Users: UVIEWER (viewer), UOPERATOR (operator), UADMIN (admin)',
    '  Jobs run on their schedules against the sandbox clock and apply (toggle dry-run in the console).',
    '',
    `  Try:  npx ec2ops slack "/ec2 list" --user UOPERATOR${stateFlag}`,
    '  Ctrl-C stops the sandbox; its state stays in the state directory.',
    '',
  ];
  if (sandbox.fallbackFrom !== undefined) {
    lines.unshift(
      `  Port ${sandbox.fallbackFrom} is in use, so the sandbox took port ${sandbox.port} instead.`,
    );
  }
  return lines.join('\n');
}

/** `ec2ops sandbox`: what `npm start` runs. Resolves when Ctrl-C (or SIGTERM) has shut it down. */
registerCommand((program) => {
  const sandbox = program.command('sandbox').enablePositionalOptions();
  registerSeed(sandbox);
  sandbox
    .description(
      'run ec2ops on this machine: EC2 and Slack emulators, the real handlers, and the web console',
    )
    .option('--port <n>', 'port of the console and the Slack endpoint (default 3000; 0 = any free port)')
    .option('--state <dir>', 'where the sandbox keeps its state between runs', '.sandbox')
    .option('--no-schedule', 'do not run jobs on their schedules (run them from the console)')
    .action(async (options: SandboxCliOptions) => {
      const port = parsePort(options.port);
      // Loaded here so that other subcommands do not pay for the handlers and emulators.
      const { startSandbox } = await import('../runner/sandbox');
      // A signal while it starts (the endpoints file is written before start-up ends) is kept and
      // acted on once it has started, rather than killing it half-way by Node's default.
      let early: NodeJS.Signals | undefined;
      const keep = (signal: NodeJS.Signals) => {
        early = signal;
      };
      process.on('SIGINT', keep);
      process.on('SIGTERM', keep);
      const sandbox = await startSandbox({
        ...(port === undefined ? {} : { port, portIsExplicit: true }),
        stateDir: options.state,
        schedule: options.schedule,
      });
      process.stdout.write(`${banner(sandbox, options.state)}\n`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const stop = (signal: NodeJS.Signals) => {
          if (stopping) {
            process.stderr.write(`\n${signal} again: exiting without waiting.\n`);
            process.exit(130);
          }
          stopping = true;
          process.stdout.write(`\n${signal}: stopping the sandbox…\n`);
          sandbox
            .close()
            .catch((error: unknown) => process.stderr.write(`while stopping: ${String(error)}\n`))
            .finally(() => {
              process.off('SIGINT', stop);
              process.off('SIGTERM', stop);
              process.stdout.write('Stopped. State kept in ' + sandbox.stateDir + '\n');
              resolve();
            });
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
        process.off('SIGINT', keep);
        process.off('SIGTERM', keep);
        if (early) stop(early);
      });
    });
});
