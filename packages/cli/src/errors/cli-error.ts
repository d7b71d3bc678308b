/**
 * Exit codes, as DESIGN §7: 0 done, 1 failed, 2 usage error, 3 partial (some rows failed);
 * and 4 for `drift verify` when the sink drifted from the table.
 */
export const ExitCode = {
  Done: 0,
  Failed: 1,
  Usage: 2,
  Partial: 3,
  Drift: 4,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * An error the CLI reports as one line and an exit code. `Usage` (2) for what the user
 * typed (a flag, a path, a column, a model, a URI); `Failed` (1) for what went wrong at
 * run time (a server down, a lock held, a plugin missing).
 */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  /** A stable code for `--json` (`usage`, `missing-plugin`, or a Drift error code). */
  readonly code: string;

  constructor(
    message: string,
    options: { exitCode?: ExitCode; code?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? ExitCode.Failed;
    this.code = options.code ?? (this.exitCode === ExitCode.Usage ? 'usage' : 'failed');
  }
}

export function usageError(message: string, cause?: unknown): CliError {
  return new CliError(message, { exitCode: ExitCode.Usage, code: 'usage', cause });
}
