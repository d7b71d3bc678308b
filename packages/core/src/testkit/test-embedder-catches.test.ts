import { describe, it } from 'vitest';
import type { Embedder } from '../spec/embedder-v1.js';
import { brokenEmbedders, sound } from './broken-embedders.js';
import { embedderRules } from './embedder-rules.js';
import { expectCaught, ruleNamed } from './self-test-helpers.js';
import { runEmbedderRule } from './test-embedder.js';

// Tests of the testkit itself: an embedder that gets one rule wrong fails that rule's test
// (with an assertion, not a crash), and the correct recording embedder passes it.

const cases: [what: string, breaker: (inner: Embedder) => Embedder, rule: string][] = [
  ['hands vectors back out of order', brokenEmbedders.reversesOrder, 'returns one vector'],
  ['hands out one vector object twice', brokenEmbedders.sharesCachedVectors, 'hands out vectors'],
  ['embeds the empty text', brokenEmbedders.embedsEmptyText, 'embeds no texts'],
  [
    'splits a call over its limit on its own',
    brokenEmbedders.splitsOnItsOwn,
    'refuses more inputs',
  ],
  ['ignores an aborted signal', brokenEmbedders.ignoresAbort, 'honours an aborted signal'],
  [
    'returns another dimension than it declares',
    brokenEmbedders.declaresAnotherDimension,
    'returns one vector',
  ],
];

describe('the embedder suite', () => {
  for (const [what, breaker, start] of cases) {
    it(`fails an embedder that ${what}`, async () => {
      const rule = ruleNamed(embedderRules, start);
      await expectCaught(
        () => runEmbedderRule(rule, { create: sound }),
        () => runEmbedderRule(rule, { create: () => breaker(sound()) }),
      );
    });
  }
});
