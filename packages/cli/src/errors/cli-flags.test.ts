import { InvalidInputError } from '@drift-spark/core';
import { describe, expect, it } from 'vitest';
import { inCliTerms } from './cli-flags.js';
import { describeError } from './describe-error.js';

describe("core's option names become the CLI's flags", () => {
  it('replaces each backticked option, and leaves other words and unknown names alone', () => {
    expect(
      inCliTerms(
        'Column "textColumn" (`textColumn`) is missing; set `keyColumns`, `maxCostUsd`, `fromVersion`/`toVersion` or use `embed`; `other` stays.',
      ),
    ).toBe(
      'Column "textColumn" (--text-col) is missing; set --key-col, --max-cost, --since-version/--to-version or use drift embed; `other` stays.',
    );
  });

  it('in the line describeError prints for a Drift error', () => {
    const described = describeError(
      new InvalidInputError('Column "x" (`metadataColumns`) is not in source "s".'),
    );
    expect(described).toEqual({
      message: 'Column "x" (--metadata-col) is not in source "s".',
      exitCode: 2,
      code: 'invalid-input',
    });
  });
});
