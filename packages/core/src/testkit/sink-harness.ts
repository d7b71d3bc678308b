import type { Point, Sink, SinkOpenOptions } from '../spec/sink-v1.js';
import { collect, conformancePoint, randomToken, unitVector } from './testkit-helpers.js';

export interface TestSinkContext {
  /**
   * A name for the store of this test, `[a-z0-9_]`, at most 40 characters: map it to a
   * collection or table. The same name twice must reach the same store.
   */
  name: string;
}

/** Rules a sink may opt out of, because it does not offer what they test. */
export type TestSinkSkip =
  /** A second sink on the same name sees the first one's points. */
  | 'reopen'
  /** Several thousand points in one run (a slow remote store may skip it). */
  | 'largeBatch'
  /** Overlapping writes, tested only when the sink declares `concurrentWrites: true`. */
  | 'concurrentWrites';

export interface TestSinkCapabilities {
  /** Same as `skip: ['reopen']` when false (default true). */
  reopen?: boolean;
}

/** What `create` and the suite's rules share: the knobs of `testSink`. */
export interface SinkHarnessOptions {
  /** A sink on the store named `context.name` (empty unless a test of this suite wrote to it). */
  create: (context: TestSinkContext) => Promise<Sink> | Sink;
  /** Drops the store of one test (collection, table) after it ran. */
  destroy?: (context: TestSinkContext) => Promise<void> | void;
  capabilities?: TestSinkCapabilities;
  /** Rules to skip for capabilities this sink does not have. */
  skip?: readonly TestSinkSkip[];
  /** Vector dimension to test with; default 8. */
  dimensions?: number;
  /** Prefix of store names; default `drift_conformance`. */
  namePrefix?: string;
}

/** What each rule of the suite (and an `additionalTests` hook) gets to work with. */
export interface SinkHarness {
  readonly dimensions: number;
  readonly openOptions: SinkOpenOptions;
  /** Whether a second sink on the same name sees the first one's points. */
  readonly reopen: boolean;
  /** A new store name (dropped after the test). */
  newName(): string;
  /** A sink on `name`, not opened yet (closed after the test). */
  createSink(name: string): Promise<Sink>;
  /** A new, open, empty sink. */
  fresh(): Promise<{ sink: Sink; name: string }>;
  /** A second sink on the same store (or the same one, when stores do not outlive sinks). */
  again(sink: Sink, name: string): Promise<Sink>;
  /** `count` points with keys `row-<from>`… and distinct unit vectors. */
  points(count: number, from?: number): Point[];
  /** Closes the sinks and drops the stores this harness made. */
  cleanup(): Promise<void>;
}

export function createSinkHarness(options: SinkHarnessOptions): SinkHarness {
  const dimensions = options.dimensions ?? 8;
  const reopen = (options.capabilities?.reopen ?? true) && !(options.skip ?? []).includes('reopen');
  const prefix = options.namePrefix ?? 'drift_conformance';
  const runToken = randomToken();
  let counter = 0;
  const opened: Sink[] = [];
  const names: string[] = [];
  const openOptions: SinkOpenOptions = {
    dimensions,
    distance: 'cosine',
    model: 'conformance/model',
  };

  const harness: SinkHarness = {
    dimensions,
    openOptions,
    reopen,
    newName() {
      const name = `${prefix}_${runToken}_${++counter}`.slice(0, 40);
      names.push(name);
      return name;
    },
    async createSink(name) {
      const sink = await options.create({ name });
      opened.push(sink);
      return sink;
    },
    async fresh() {
      const name = harness.newName();
      const sink = await harness.createSink(name);
      await sink.open(openOptions);
      // Leftovers from an earlier run of a factory that ignores the name.
      // Read every id first: deleting while a scan pages through could skip points.
      const leftovers = (await collect(sink.scan({ batchSize: 100 })))
        .flat()
        .map((point) => point.id);
      if (leftovers.length > 0) await sink.delete(leftovers);
      return { sink, name };
    },
    async again(sink, name) {
      return reopen ? harness.createSink(name) : sink;
    },
    points(count, from = 0) {
      return Array.from({ length: count }, (_, index) =>
        conformancePoint(`row-${from + index}`, unitVector(dimensions, from + index + 1)),
      );
    },
    async cleanup() {
      for (const sink of opened.splice(0)) await sink.close().catch(() => undefined);
      for (const name of names.splice(0)) await options.destroy?.({ name });
    },
  };
  return harness;
}

/** One rule of the sink contract: a name and the check, runnable with or without vitest. */
export interface SinkRule {
  name: string;
  /** The capability the rule needs; `skip` lists the ones a sink lacks. */
  needs?: TestSinkSkip;
  run(harness: SinkHarness): Promise<void>;
}

/** Runs one rule on a harness of its own, and cleans up after it. */
export async function runSinkRule(rule: SinkRule, options: SinkHarnessOptions): Promise<void> {
  const harness = createSinkHarness(options);
  try {
    await rule.run(harness);
  } finally {
    await harness.cleanup();
  }
}
