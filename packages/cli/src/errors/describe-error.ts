import { DriftError, ErrorCode } from '@drift-spark/core';
import { CliError, ExitCode } from './cli-error.js';

export interface DescribedError {
  /** One line that says what went wrong and what to do. */
  message: string;
  exitCode: ExitCode;
  code: string;
}

const unreachableCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN']);

/** Turns any error into one clear line and an exit code; never a stack trace. */
export function describeError(error: unknown, context: { sinkId?: string } = {}): DescribedError {
  if (error instanceof CliError) {
    return { message: oneLine(error.message), exitCode: error.exitCode, code: error.code };
  }
  const network = findNetworkCode(error);
  if (DriftError.isInstance(error)) {
    const exitCode = error.code === ErrorCode.InvalidInput || error.code === ErrorCode.CostLimit ? ExitCode.Usage : ExitCode.Failed;
    let message = oneLine(error.message);
    if (error.code === ErrorCode.Sink && network && context.sinkId && !message.includes(context.sinkId)) {
      message = `Cannot reach the sink ${context.sinkId} (${network}): is the server running and the URI right? ${message}`;
    }
    return { message, exitCode, code: error.code };
  }
  if (network) {
    const where = context.sinkId ? `the sink ${context.sinkId}` : 'a server';
    return {
      message: `Cannot reach ${where} (${network}): is the server running and the URI right?`,
      exitCode: ExitCode.Failed,
      code: ErrorCode.Sink,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { message: oneLine(message) || 'Unexpected error (set DRIFT_DEBUG=1 to see details).', exitCode: ExitCode.Failed, code: 'failed' };
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
