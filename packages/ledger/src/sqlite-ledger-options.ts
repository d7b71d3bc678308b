import { redactSecrets } from '@drift-spark/core';

const secretName =
  /(api[-_]?key|secret|password|passwd|credential|authorization|access[-_]?key|session[-_]?token|bearer)/i;

/**
 * Run options are kept for the record, never credentials: values under names that look
 * like secrets are dropped, and credentials inside strings (URLs) are masked.
 */
export function scrubOptions(value: unknown): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (Array.isArray(value)) return value.map(scrubOptions);
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const out: Record<string, unknown> = {};
    for (const [name, inner] of Object.entries(value)) {
      if (secretName.test(name)) continue;
      out[name] = scrubOptions(inner);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}
