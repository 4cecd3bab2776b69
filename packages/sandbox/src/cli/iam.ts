import { InputError } from '@ec2ops/core/errors';
import { iamDocument } from '@ec2ops/core/iam';
import { functionPolicies } from '../iam/stage-policies';
import { loadStageArgument } from './iam-files';
import { registerCommand } from './main';

/** `ec2ops iam --stage <file|name> --json|--markdown`: each function's generated IAM policy. */
registerCommand((program) => {
  program
    .command('iam')
    .description("print each function's generated IAM policy (what the sandbox's EC2 emulator enforces)")
    .requiredOption(
      '--stage <file|name>',
      'a stage name (sandbox, dev, production) or a stage config JSON file',
    )
    .option('--json', 'JSON: {"<FunctionName>": <policy document>, …} (feed it to `ec2ops emulator --iam`)')
    .option('--markdown', 'the page docs/iam.md is for production: a table per function, for people')
    .action(async (options: { stage: string; json?: boolean; markdown?: boolean }) => {
      if (Boolean(options.json) === Boolean(options.markdown)) {
        throw new InputError('cli.iam.format', 'give exactly one of --json and --markdown');
      }
      const config = await loadStageArgument(options.stage);
      // The same page docs/iam.md is for production: one renderer, core's.
      process.stdout.write(
        options.json ? `${JSON.stringify(functionPolicies(config), null, 2)}\n` : iamDocument(config),
      );
    });
});
