/** Rewrites docs/iam.md from the commands' and jobs' IAM metadata: `npx tsx scripts/iam-doc.ts`. */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { iamDoc } from '../infra/iam-doc';

writeFileSync(resolve(import.meta.dirname, '../docs/iam.md'), iamDoc());
