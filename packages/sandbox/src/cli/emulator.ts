import { InputError } from '@ec2ops/core';
import type { Command } from 'commander';
import { startEc2Emulator } from '../ec2/server';
import { createIamEnforcer } from '../iam/enforce';
import { loadCallerPolicies } from './iam-files';
import { registerCommand } from './main';

export interface EmulatorOptions {
  port: string;
  host: string;
  state?: string;
  faults?: string;
  /** A policy file (`ec2ops iam --json`): the access key id names the caller whose policy applies. */
  iam?: string;
}

function parsePort(text: string): number {
  if (!/^[0-9]{1,5}$/.test(text) || Number(text) > 65535) {
    throw new InputError('cli.port', `--port must be a number from 0 to 65535, not '${text}'`);
  }
  return Number(text);
}

/** Runs the EC2 emulator in the foreground until SIGINT/SIGTERM. */
export async function runEmulator(options: EmulatorOptions, signal?: AbortSignal): Promise<void> {
  const port = parsePort(options.port);
  const iam = options.iam ? createIamEnforcer(await loadCallerPolicies(options.iam)) : undefined;
  let emulator: Awaited<ReturnType<typeof startEc2Emulator>>;
  try {
    emulator = await startEc2Emulator({
      port,
      host: options.host,
      stateFile: options.state,
      faults: options.faults,
      // The caller's own policy also governs its STS and Organizations calls.
      ...(iam ? { interceptors: [iam.interceptor], authorizeCall: iam.allows } : {}),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new InputError('cli.port', `port ${port} is already in use`, {
        hint: 'pick another with --port, or --port 0 for any free one',
      });
    if (code === 'EADDRNOTAVAIL')
      throw new InputError('cli.host', `cannot listen on ${options.host}: no such address on this machine`, {
        hint: 'give an address of this machine with --host, e.g. 127.0.0.1 (the default) or 0.0.0.0',
      });
    if (
      error instanceof SyntaxError ||
      (error as Error).message?.startsWith('unsupported emulator state file')
    ) {
      throw new InputError(
        'cli.state',
        `cannot use the state file ${options.state}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    throw error;
  }
  const out = process.stdout;
  out.write(`EC2 emulator (Query API 2016-11-15) listening on ${emulator.url}\n`);
  out.write(options.state ? `state: ${options.state}\n` : 'state: in memory (use --state FILE to keep it)\n');
  if (options.faults) out.write(`faults: ${options.faults}\n`);
  if (options.iam) out.write(`iam: enforcing ${options.iam} (the access key id names the caller)\n`);
  out.write('\nPoint the AWS CLI or an SDK at it:\n');
  out.write(
    `  export AWS_ENDPOINT_URL_EC2=${emulator.url} AWS_ENDPOINT_URL_RBIN=${emulator.url} AWS_ENDPOINT_URL_AUTO_SCALING=${emulator.url}\n`,
  );
  out.write('  export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test\n');
  out.write('  aws ec2 describe-images --owners amazon\n');
  out.write(
    `STS, Organizations and Auto Scaling answer on the same URL (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL_ORGANIZATIONS, AWS_ENDPOINT_URL_AUTO_SCALING);\n`,
  );
  out.write(`member accounts: POST ${emulator.url}/_emulator/accounts (see docs/emulator.md)\n`);
  out.write(`Control endpoints: ${emulator.url}/_emulator/health\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (signal?.aborted) stop();
    signal?.addEventListener('abort', stop, { once: true });
  });
  await emulator.close();
  out.write('EC2 emulator stopped\n');
}

registerCommand((program: Command) => {
  program
    .command('emulator')
    .description('run the EC2 Query API emulator on its own: any EC2 client can point at it')
    .option('--port <n>', 'port to listen on (0 picks a free one)', '4599')
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--state <file>', 'keep state in this JSON file across restarts')
    .option('--faults <spec>', 'fault injection: throttling, error rates, latency (see README)')
    .option('--iam <file>', 'enforce these IAM policies (`ec2ops iam --json`); access key id = caller')
    .action(async (options: EmulatorOptions) => {
      await runEmulator(options);
    });
});
