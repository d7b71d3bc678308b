import type { SourceDescription } from '@drift-spark/core';
import { usageError } from '../errors/cli-error.js';
import { checkFollowFlags } from './follow-flags.js';
import type { RunCommandOptions, RunKindFlag } from './run-command.js';

/** Flags that belong to the other command, refused before anything is opened. */
export function checkRunFlags(kind: RunKindFlag, options: RunCommandOptions): void {
  if (kind === 'embed' && (options.sinceVersion !== undefined || options.toVersion !== undefined)) {
    throw usageError(
      '--since-version and --to-version belong to drift watch; drift embed takes --version to read the table as of a version.',
    );
  }
  checkFollowFlags(kind, options);
  if (kind === 'watch' && options.version !== undefined) {
    throw usageError(
      'drift watch follows the change feed: use --since-version/--to-version (drift embed takes --version).',
    );
  }
}

export function checkVersions(description: SourceDescription, options: RunCommandOptions): void {
  const latest = description.latestVersion;
  const check = (flag: string, value: number | undefined) => {
    if (value !== undefined && latest !== undefined && value > latest) {
      throw usageError(`${flag} ${value} is past the table's latest version, ${latest}.`);
    }
  };
  check('--version', options.version);
  check('--since-version', options.sinceVersion);
  check('--to-version', options.toVersion);
  if (
    options.sinceVersion !== undefined &&
    options.toVersion !== undefined &&
    options.sinceVersion > options.toVersion
  ) {
    throw usageError(
      `--since-version ${options.sinceVersion} is after --to-version ${options.toVersion}.`,
    );
  }
}
