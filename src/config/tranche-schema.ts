/**
 * The whole schema of tranche.yml: the shape and cross-checks of schema.ts, then the checks that
 * need the config resolved into environments and components (which track environments the
 * categories choose, whether each analysis check can decide). They import schema.ts's types, so
 * they are joined here rather than there.
 */
import { analysisHorizonIssues } from './analysis-issues.ts';
import { trancheConfigObject } from './schema.ts';
import { trackChoiceIssues } from './track-environments.ts';

export const trancheConfigSchema = trancheConfigObject
  .superRefine(trackChoiceIssues)
  .superRefine(analysisHorizonIssues)
  .meta({ title: 'tranche.yml', description: 'Configuration of a Tranche service.' });
