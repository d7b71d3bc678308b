import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { brokenSinks } from './broken-sinks.js';
import { createMapSink } from './readme-map-sink.js';
import { ruleNamed } from './self-test-helpers.js';
import { runSinkRule } from './sink-harness.js';
import { sinkRules, testSink } from './test-sink.js';

// The custom sink of the core README, written from the README alone, passes the strict suite.

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const source = readFileSync(new URL('./readme-map-sink.ts', import.meta.url), 'utf8');

testSink({ title: 'the README map sink', create: () => createMapSink(), skip: ['reopen'] });

describe('the README map sink', () => {
  it('is the code block of the README, word for word, in under 50 lines', () => {
    const block = /```ts\n(\/\/ map-sink\.ts\n[\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'a ```ts block starting with // map-sink.ts').toBeDefined();
    const asPublished = source.replaceAll("'../index.js'", "'@drift-spark/core'");
    expect(block).toBe(`// map-sink.ts\n${asPublished}`);
    expect(source.trimEnd().split('\n').length).toBeLessThan(50);
  });

  it("is held to the README's contract table, which names every rule of the suite", () => {
    for (const { name } of sinkRules) expect(readme, name).toContain(name);
  });

  const rule = (start: string) => ruleNamed(sinkRules, start);
  const create = (
    wrap: (sink: ReturnType<typeof createMapSink>) => ReturnType<typeof createMapSink>,
  ) => ({
    create: () => wrap(createMapSink()),
  });

  it("fails the suite once it keeps references to the caller's vectors", async () => {
    await expect(
      runSinkRule(rule("copies the caller's"), create(brokenSinks.keepsReferences)),
    ).rejects.toThrow();
  });

  it('fails the suite once it ignores the maxPointsPerWrite it declares', async () => {
    await expect(
      runSinkRule(
        rule('takes maxPointsPerWrite'),
        create(brokenSinks.dropsBeyondMaxPointsPerWrite),
      ),
    ).rejects.toThrow();
  });
});
