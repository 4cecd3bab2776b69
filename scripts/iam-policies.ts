/**
 * Prints each Lambda function's EC2 policy for a stage, exactly as `sst deploy` attaches it:
 * `npx tsx scripts/iam-policies.ts <stage>`. For security reviews before a deploy.
 */
import { stagePolicies } from '@ec2ops/core/iam';
import { loadStage } from '../infra/stages/index';

const name = process.argv[2];
if (!name) {
  process.stderr.write('usage: npx tsx scripts/iam-policies.ts <stage>\n');
  process.exit(2);
}
const { policies, warnings } = stagePolicies(loadStage(name).config);
process.stdout.write(`${JSON.stringify(policies, null, 2)}\n`);
for (const warning of warnings) process.stderr.write(`warning: ${warning}\n`);
