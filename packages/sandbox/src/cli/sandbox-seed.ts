import { InputError } from '@ec2ops/core/errors';
import type { Command } from 'commander';
import { ec2Target, sandboxNow } from './sandbox-target';

interface SeedCliOptions {
  scale: string;
  state: string;
  region: string;
  json?: boolean;
}

function parseScale(text: string): number {
  const scale = Number(text);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100) {
    throw new InputError('seed.scale', `--scale must be a number above 0 and at most 100, got "${text}"`, {
      hint: '1 makes 500 instances, 300 Elastic IPs, 200 images and 100 security groups; 0.1 a tenth of that',
    });
  }
  return scale;
}

/** `ec2ops sandbox seed --scale N`: a fleet of a given size, made through the EC2 API. */
export function registerSeed(sandbox: Command): void {
  sandbox
    .command('seed')
    .description(
      'add a fleet through the EC2 API: at --scale 1, 500 instances, 300 Elastic IPs, 200 images, 100 groups',
    )
    .option('--scale <n>', 'multiplies every count (0.1 … 100)', '1')
    .option('--state <dir>', "the running sandbox's state directory (its endpoints.json)", '.sandbox')
    .option('--region <region>', 'the region to seed', 'us-east-1')
    .option('--json', 'print the summary as JSON')
    .action(async (options: SeedCliOptions) => {
      const scale = parseScale(options.scale);
      const target = await ec2Target(process.env, options.state);
      // Loaded here: the SDK and the seeding code are for this subcommand only.
      const [{ ec2ClientsByRegion }, { seedFleet }] = await Promise.all([
        import('@ec2ops/functions/ec2/client'),
        import('./seed-fleet'),
      ]);
      const ec2 = ec2ClientsByRegion({ endpoint: target.endpoint, credentials: target.credentials })(
        options.region,
      );
      const now = target.endpoint && target.sandbox ? await sandboxNow(target.endpoint) : new Date();
      const started = performance.now();
      const summary = await seedFleet({ ec2, scale, now });
      const seconds = Number(((performance.now() - started) / 1000).toFixed(1));
      process.stdout.write(
        options.json
          ? `${JSON.stringify({ ...summary, region: options.region, seconds }, null, 2)}\n`
          : `seeded ${options.region} at ${target.endpoint ?? 'the AWS environment'}: ${summary.instances} instances, ` +
              `${summary.addresses} Elastic IPs, ${summary.images} images, ${summary.groups} security groups ` +
              `(${summary.calls} EC2 calls, ${seconds} s)\n`,
      );
    });
}
