import { describe, it } from 'vitest';
import type { Row, Source } from '../spec/source-v1.js';
import { createArraySource } from './array-source.js';
import { expectCaught, ruleNamed } from './self-test-helpers.js';
import { type SourceHarness, sourceRules } from './source-rules.js';

// Tests of the testkit itself: a source that gets one rule wrong fails that rule's test.

const versions = [
  [
    { id: 1, body: 'one' },
    { id: 2, body: 'two' },
    { id: 3, body: 'three' },
  ],
];
const harness = (wrap: (inner: Source) => Source = (inner) => inner): SourceHarness => ({
  create: () => wrap(createArraySource({ id: 'array://t', columns: ['id', 'body'], versions })),
  columns: ['id', 'body'],
  batchSize: 2,
});

/** Hands out one row object per position, reused by every batch and scan. */
function reusesRows(inner: Source): Source {
  const buffer: Row[] = [{}, {}];
  return {
    ...inner,
    async *scan(options) {
      for await (const batch of inner.scan(options)) {
        yield {
          ...batch,
          rows: batch.rows.map((row, index) => Object.assign(buffer[index]!, row)),
        };
      }
    },
  };
}

/** Drops the caller's signal. */
function ignoresAbort(inner: Source): Source {
  return {
    ...inner,
    describe: () => inner.describe(),
    scan: (options) => inner.scan({ ...options, signal: undefined }),
  };
}

const cases: [what: string, breaker: (inner: Source) => Source, rule: string][] = [
  ['reuses row objects across batches', reusesRows, 'gives the same rows'],
  ['ignores an aborted signal', ignoresAbort, 'refuses describe, scan'],
];

describe('the source suite', () => {
  for (const [what, breaker, start] of cases) {
    it(`fails a source that ${what}`, async () => {
      const rule = ruleNamed(sourceRules, start);
      await expectCaught(
        () => rule.run(harness()),
        () => rule.run(harness(breaker)),
      );
    });
  }
});
