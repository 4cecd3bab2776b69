import { iamDocument } from '@ec2ops/core/iam';
import { loadStage } from './stages';

/** The stage docs/iam.md describes: the one with every feature turned on. */
export const DOCUMENTED_STAGE = 'production';

/**
 * docs/iam.md, generated from the same metadata the deploy attaches (`npx tsx scripts/iam-doc.ts`
 * rewrites it; test/infra/iam-doc.test.ts fails when the committed copy differs). The page itself
 * is core's, so `ec2ops iam --stage production --markdown` prints the same text.
 */
export function iamDoc(): string {
  return iamDocument(loadStage(DOCUMENTED_STAGE).config);
}
