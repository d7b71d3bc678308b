import { DriftError, ErrorCode, NoChangeFeedError, redactSecrets } from '@drift-spark/core';
import { secretsFromEnv } from '@drift-spark/core/internal';
import { CliError, ExitCode } from './cli-error.js';
import { inCliTerms } from './cli-flags.js';

export interface DescribedError {
  /** One line that says what went wrong and what to do. */
  message: string;
  exitCode: ExitCode;
  code: string;
}

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ECONNRESET',
  'ETIMEDOUT',
  'EAI_AGAIN',
]);

export interface ErrorContext {
  /** The sink's id (already redacted), to attribute an unreachable server. */
  sinkId?: string;
  /** The environment: the values of its credential variables never reach the line. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Turns any error into one clear line and an exit code; never a stack trace, never a
 * credential (a message may quote a URI or a server's answer: it goes through redactSecrets).
 */
export function describeError(error: unknown, context: ErrorContext = {}): DescribedError {
  const described = describeUnredacted(error, context);
  described.message = redactSecrets(described.message, secretsFromEnv(context.env ?? {}));
  return described;
}

function describeUnredacted(error: unknown, context: ErrorContext): DescribedError {
  if (error instanceof CliError) {
    return { message: oneLine(error.message), exitCode: error.exitCode, code: error.code };
  }
  const network = findNetworkCode(error);
  const original = oneLine(error instanceof Error ? error.message : String(error));
  if (network) {
    // Attribute the unreachable server: the sink when its id is in the message (or nothing else is named).
    const isSink =
      context.sinkId !== undefined &&
      (original.includes(context.sinkId) || /\bsink\b/i.test(original));
    return {
      message: isSink
        ? `Cannot reach the sink ${context.sinkId} (${network}): is the server running, and are the host, port and credentials in the URI right?`
        : `Cannot reach a server (${network}): ${original}`,
      exitCode: ExitCode.Failed,
      code: isSink ? ErrorCode.Sink : DriftError.isInstance(error) ? error.code : 'unreachable',
    };
  }
  if (DriftError.isInstance(error)) {
    const exitCode =
      error.code === ErrorCode.InvalidInput ||
      error.code === ErrorCode.CostLimit ||
      // Thrown only before a run starts: `drift watch` pointed at a table it cannot follow.
      NoChangeFeedError.is(error)
        ? ExitCode.Usage
        : ExitCode.Failed;
    return { message: inCliTerms(original), exitCode, code: error.code };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: oneLine(message) || 'Unexpected error (set DRIFT_DEBUG=1 to see details).',
    exitCode: ExitCode.Failed,
    code: 'failed',
  };
}

/** The first non-empty line, trimmed. */
export function oneLine(message: string): string {
  const line = message
    .split(/\r?\n/)
    .map((part) => part.trim())
    .find((part) => part.length > 0);
  return line ?? '';
}

function findNetworkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && current; depth++) {
    if (typeof current === 'object' && current !== null) {
      const code = (current as { code?: unknown }).code;
      if (typeof code === 'string' && unreachableCodes.has(code)) return code;
      const nested = (current as { errors?: unknown }).errors;
      if (Array.isArray(nested)) {
        for (const inner of nested) {
          const innerCode = (inner as { code?: unknown })?.code;
          if (typeof innerCode === 'string' && unreachableCodes.has(innerCode)) return innerCode;
        }
      }
      current = (current as { cause?: unknown }).cause;
    } else {
      break;
    }
  }
  return undefined;
}
