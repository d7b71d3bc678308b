import type { Adapter, AdapterFamily, AdapterHeader } from './adapter-types.js';
import { fitLowRankAffine } from './fit-low-rank-affine.js';
import { fitProcrustes } from './fit-procrustes.js';
import { encodeResidualMlp, fitResidualMlp } from './fit-residual-mlp.js';
import type { PairedMatrices } from './paired-matrices.js';

export interface FamilySettings {
  rank: number;
  ridge: number;
  hidden: number;
  seed: number;
  mlpTimeBudgetMs: number;
  signal?: AbortSignal;
}

type Header = Omit<AdapterHeader, 'family' | 'fit'>;

/** Fits one family on centred pairs and returns it as an adapter (without a fit summary). */
export function fitFamily(
  family: AdapterFamily,
  pairs: PairedMatrices,
  header: Header,
  settings: FamilySettings,
): Adapter {
  if (family === 'procrustes') return { ...header, family, ...fitProcrustes(pairs) };
  if (family === 'low-rank-affine') {
    return { ...header, family, ...fitLowRankAffine(pairs, settings) };
  }
  const mlp = fitResidualMlp(pairs, {
    hidden: settings.hidden,
    seed: settings.seed,
    timeBudgetMs: settings.mlpTimeBudgetMs,
    ...(settings.signal ? { signal: settings.signal } : {}),
  });
  return { ...header, family, ...encodeResidualMlp(mlp) };
}
