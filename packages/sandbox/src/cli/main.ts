import { isEc2opsError } from '@ec2ops/core/errors';
import { Command, CommanderError } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { COMMANDS } from './commands';

/**
 * The `ec2ops` command line. Each subcommand lives in its own module, listed in ./commands.ts and
 * imported only when it runs; `main` returns the exit code instead of exiting so tests can drive
 * it in process.
 */
export type Registrar = (program: Command) => void;

const registrars: Registrar[] = [];

/** Subcommand modules call this once, when imported. */
export function registerCommand(registrar: Registrar): void {
  registrars.push(registrar);
}

function rootProgram(): Command {
  return (
    new Command('ec2ops')
      .description('ChatOps and automation for Amazon EC2: the sandbox, emulators and operator tools')
      .version(packageJson.version, '-V, --version', 'print the version of ec2ops')
      .showHelpAfterError('(run with --help for usage)')
      // Options after a subcommand belong to it (`sandbox seed --state` is seed's, not sandbox's).
      .enablePositionalOptions()
      .exitOverride()
  );
}

/**
 * The program for one run: the named subcommand in full (its module loaded), every other one as
 * a name and a summary for `--help`. Order in `--help` is registration order.
 */
export async function buildProgram(name: string | undefined): Promise<Command> {
  const program = rootProgram();
  if (name !== undefined && Object.hasOwn(COMMANDS, name)) await COMMANDS[name]?.load();
  // The loaded modules register in full (in tests, more than one may be loaded by now).
  for (const register of registrars) register(program);
  const loaded = new Set(program.commands.map((sub) => sub.name()));
  for (const [commandName, { summary }] of Object.entries(COMMANDS)) {
    if (!loaded.has(commandName)) program.command(commandName).description(summary);
  }
  // Every subcommand refuses unknown options and stray arguments (commander's defaults allow
  // excess arguments) and throws instead of exiting.
  for (const sub of program.commands) sub.allowExcessArguments(false).exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv.find((arg) => !arg.startsWith('-')));
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
