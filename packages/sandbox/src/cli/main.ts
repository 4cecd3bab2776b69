import { isEc2opsError } from '@ec2ops/core';
import { Command, CommanderError } from 'commander';

/**
 * The `ec2ops` command line. Each subcommand lives in its own file and registers itself here;
 * `main` returns the exit code instead of exiting so tests can drive it in process.
 */
export type Registrar = (program: Command) => void;

const registrars: Registrar[] = [];

/** Subcommand modules call this at import time; see ./commands.ts for the list. */
export function registerCommand(registrar: Registrar): void {
  registrars.push(registrar);
}

export function buildProgram(): Command {
  const program = new Command('ec2ops')
    .description('ChatOps and automation for Amazon EC2: the sandbox, emulators and operator tools')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const register of registrars) register(program);
  // Every subcommand refuses unknown options and stray arguments (commander's defaults allow
  // excess arguments) and throws instead of exiting.
  for (const sub of program.commands) sub.allowExcessArguments(false).exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  await import('./commands');
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are "errors" to commander but successes to a person.
      return error.exitCode === 0 || error.code === 'commander.helpDisplayed' ? 0 : 2;
    }
    if (isEc2opsError(error)) {
      process.stderr.write(`error ${error.code}: ${error.message}\n`);
      if (error.hint) process.stderr.write(`hint: ${error.hint}\n`);
      return 1;
    }
    throw error;
  }
}
