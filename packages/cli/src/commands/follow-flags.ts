import { usageError } from '../errors/cli-error.js';
import type { RunCommandOptions, RunKindFlag } from './run-command.js';

/** The flags of recovery and `--follow`, each only where it means something. */
export function checkFollowFlags(kind: RunKindFlag, options: RunCommandOptions): void {
  if (kind === 'embed' && (options.follow || options.recover))
    throw usageError(
      '--follow and --recover belong to drift watch (drift embed recovers a recreated table by itself).',
    );
  if (kind === 'watch' && options.adoptSink)
    throw usageError('--adopt-sink belongs to drift embed: run it once, then drift watch.');
  if (!options.follow) {
    const stray = [
      options.interval !== undefined && '--interval',
      options.metricsPort !== undefined && '--metrics-port',
      options.maxCostPerDay !== undefined && '--max-cost-per-day',
    ].filter(Boolean);
    if (stray.length > 0) throw usageError(`${stray.join(', ')} need --follow.`);
    return;
  }
  if (options.dryRun) throw usageError('--dry-run plans one run; it does not go with --follow.');
  if (options.sinceVersion !== undefined || options.toVersion !== undefined)
    throw usageError(
      '--follow goes on from the checkpoint: leave out --since-version and --to-version (run one drift watch with them first).',
    );
}
