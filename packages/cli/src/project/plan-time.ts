import type { EmbedderLimits } from '@drift-spark/core';

/** How long embedding takes at the provider's declared rate limits, and which limit binds. */
export interface EmbedTime {
  seconds: number;
  /** The limit that sets the pace, in words: `1,000,000 tokens/min`. */
  limit: string;
}

/**
 * The time a run of `rows` texts and `tokens` tokens takes at the provider's declared
 * rate limits (tokens and calls per minute, calls packed to its per-call limits);
 * undefined when the provider declares none.
 */
export function embedTime(
  limits: EmbedderLimits,
  work: { rows: number; tokens: number },
): EmbedTime | undefined {
  if (work.rows === 0) return undefined;
  const calls = Math.max(
    Math.ceil(work.rows / limits.maxInputsPerCall),
    Math.ceil(work.tokens / limits.maxTokensPerCall),
  );
  const paces = [
    limits.tokensPerMinute && {
      seconds: (work.tokens / limits.tokensPerMinute) * 60,
      limit: `${limits.tokensPerMinute.toLocaleString('en-US')} tokens/min`,
    },
    limits.requestsPerMinute && {
      seconds: (calls / limits.requestsPerMinute) * 60,
      limit: `${limits.requestsPerMinute.toLocaleString('en-US')} calls/min`,
    },
  ].filter((pace): pace is EmbedTime => Boolean(pace));
  return paces.sort((a, b) => b.seconds - a.seconds)[0];
}

/** `0.4 s`, `12 s`, `3.5 min`, `2.1 h`. */
export function formatDuration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
