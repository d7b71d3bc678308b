import { InvalidArgumentError } from '@commander-js/extra-typings';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `30s`, `500ms`, `2m`, `1h`, or a plain number of seconds; in milliseconds. */
export function parseDurationMs(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  const ms = match ? Number(match[1]) * (units[match[2] ?? 's'] ?? 1000) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 100) {
    throw new InvalidArgumentError('expected a duration of 100ms or more, e.g. 30s, 2m or 500ms.');
  }
  return Math.round(ms);
}

/** A TCP port, 0 (any free port) to 65535. */
export function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65_535) {
    throw new InvalidArgumentError('expected a TCP port, 0 to 65535.');
  }
  return port;
}
