import { buildSlackManifest } from '@ec2ops/core/slack-manifest';
import { registerCommand } from './main';

/** `ec2ops manifest --url URL [--stage NAME]`: the Slack app manifest for a deployment, as JSON. */
registerCommand((program) => {
  program
    .command('manifest')
    .description(
      'print the Slack app manifest (JSON) for a deployment: paste it into "Create New App → From a manifest"',
    )
    .requiredOption('--url <url>', 'the slack request URL (the SlackRequestUrl output of `sst deploy`)')
    .option('--stage <name>', 'the stage it is for; stages other than production are named after it')
    .action((options: { url: string; stage?: string }) => {
      const manifest = buildSlackManifest({
        url: options.url,
        ...(options.stage ? { stage: options.stage } : {}),
        production: options.stage === undefined || options.stage === 'production',
      });
      process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
    });
});
