import { InputError } from '@ec2ops/core/errors';
import { buildSlackManifest, manifestToYaml } from '@ec2ops/core/slack-manifest';
import { registerCommand } from './main';

/** `ec2ops manifest --url URL [--stage NAME] [--format json|yaml]`: the Slack app manifest for a deployment. */
registerCommand((program) => {
  program
    .command('manifest')
    .description(
      'print the Slack app manifest for a deployment: paste it into "Create New App → From a manifest"',
    )
    .requiredOption('--url <url>', 'the slack request URL (the SlackRequestUrl output of `sst deploy`)')
    .option('--stage <name>', 'the stage it is for; stages other than production are named after it')
    .option('--format <format>', 'json or yaml (Slack accepts both)', 'json')
    .action((options: { url: string; stage?: string; format: string }) => {
      if (options.format !== 'json' && options.format !== 'yaml') {
        throw new InputError('manifest.format', `--format must be json or yaml (got "${options.format}")`);
      }
      const manifest = buildSlackManifest({
        url: options.url,
        ...(options.stage ? { stage: options.stage } : {}),
        production: options.stage === undefined || options.stage === 'production',
      });
      process.stdout.write(
        options.format === 'yaml' ? manifestToYaml(manifest) : `${JSON.stringify(manifest, null, 2)}\n`,
      );
    });
});
