import { afterEach, describe, it } from 'vitest';
import {
  createSinkHarness,
  type SinkHarness,
  type SinkHarnessOptions,
  type SinkRule,
} from './sink-harness.js';
import { copyRules } from './sink-rules-copies.js';
import { dataRules } from './sink-rules-data.js';
import { lifecycleRules } from './sink-rules-lifecycle.js';
import { limitRules } from './sink-rules-limits.js';
import { readRules } from './sink-rules-read.js';
import { storeRules } from './sink-rules-store.js';

export type {
  SinkHarness as TestSinkHarness,
  TestSinkCapabilities,
  TestSinkContext,
  TestSinkSkip,
} from './sink-harness.js';

export interface TestSinkOptions extends SinkHarnessOptions {
  /** Per-test timeout; default 30 s. */
  timeoutMs?: number;
  /** Suite title; default `sink conformance`. */
  title?: string;
  /**
   * Registers tests of the sink's own (vitest `it`), inside the suite: the harness makes
   * fresh sinks and cleans up after each test as it does for the suite's rules.
   */
  additionalTests?: (harness: SinkHarness) => void;
}

/** Every rule of the sink contract, in the order the suite runs them. */
export const sinkRules: readonly SinkRule[] = [
  ...storeRules,
  ...dataRules,
  ...copyRules,
  ...readRules,
  ...limitRules,
  ...lifecycleRules,
];

/**
 * Registers the Sink conformance suite (vitest `describe`/`it`), one test per rule of
 * the contract (see the table in the core README): the store, payloads kept exactly,
 * copies not references, cosine scores, limits, lifecycle, abort and concurrency.
 */
export function testSink(options: TestSinkOptions): void {
  const timeout = options.timeoutMs ?? 30_000;
  const skipped = new Set(options.skip ?? []);
  if (options.capabilities?.reopen === false) skipped.add('reopen');

  describe(options.title ?? 'sink conformance', () => {
    const harness = createSinkHarness(options);
    afterEach(() => harness.cleanup(), timeout);
    for (const rule of sinkRules) {
      // A rule of a capability the sink does not have does not apply: left out, not "skipped".
      if (rule.needs !== undefined && skipped.has(rule.needs)) continue;
      it(rule.name, () => rule.run(harness), timeout);
    }
    options.additionalTests?.(harness);
  });
}
