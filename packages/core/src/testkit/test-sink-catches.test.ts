import { describe, expect, it } from 'vitest';
import type { Sink } from '../spec/sink-v1.js';
import { brokenSinks, memorySinks } from './broken-sinks.js';
import { expectCaught, ruleNamed } from './self-test-helpers.js';
import { runSinkRule } from './sink-harness.js';
import { sinkRules } from './test-sink.js';

// Tests of the testkit itself: a plugin that gets one rule wrong fails that rule's test
// (with an assertion, not a crash), and the correct memory sink passes the same test.

const cases: [what: string, breaker: (inner: Sink) => Sink, rule: string][] = [
  ["keeps references to the caller's vectors", brokenSinks.keepsReferences, "copies the caller's"],
  ['hands out the objects it keeps', brokenSinks.sharesWhatItReturns, 'hands out copies'],
  ['accepts vectors of the wrong length', brokenSinks.fitsWrongLengths, 'refuses vectors of the'],
  [
    'drops points beyond its maxPointsPerWrite',
    brokenSinks.dropsBeyondMaxPointsPerWrite,
    'takes maxPointsPerWrite',
  ],
  [
    'declares a maxPointsPerWrite it cannot take',
    brokenSinks.declaresMoreThanItTakes,
    'takes maxPointsPerWrite',
  ],
  ['silently drops a large batch', brokenSinks.dropsLargeBatches, 'writes, counts, scans'],
  ['works after close', brokenSinks.usableAfterClose, 'refuses every call after close'],
  ['works before open', brokenSinks.usableBeforeOpen, 'refuses every call before open'],
  ['ignores an aborted signal', brokenSinks.ignoresAbort, 'refuses every call given an aborted'],
  ['keeps the first of two points with one id', brokenSinks.firstWins, 'keeps the last of two'],
  ['rescales scores to [0, 1]', brokenSinks.rescalesScores, 'scores in [-1, 1]'],
  ['normalises unicode', brokenSinks.normalisesUnicode, 'keeps unicode keys'],
  ['ignores the scan batch size', brokenSinks.unboundedScan, 'scans every point once'],
  [
    'loses overlapping writes it says it takes',
    brokenSinks.losesOverlappingWrites,
    'takes overlapping writes',
  ],
];

describe('the sink suite', () => {
  for (const [what, breaker, start] of cases) {
    it(`fails a sink that ${what}`, async () => {
      const rule = ruleNamed(sinkRules, start);
      await expectCaught(
        () => runSinkRule(rule, memorySinks()),
        () => runSinkRule(rule, memorySinks(breaker)),
      );
    });
  }

  it('has a rule for each capability it lets a sink skip', () => {
    const needs = new Set(sinkRules.map((rule) => rule.needs).filter(Boolean));
    expect([...needs].sort()).toEqual(['concurrentWrites', 'largeBatch', 'reopen']);
  });
});
