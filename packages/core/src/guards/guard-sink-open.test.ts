import { describe, expect, it } from 'vitest';
import { DriftError } from '../errors/drift-error.js';
import { createMemorySink } from '../memory/memory-sink.js';
import type { Sink, SinkOpenOptions } from '../spec/sink-v1.js';
import { guardSink } from './guard-sink.js';

const valid: SinkOpenOptions = { dimensions: 3, distance: 'cosine', model: 'test/model' };

/** A memory sink that counts the opens that reached it and records finalize calls. */
function countingSink(withFinalize: boolean) {
  const calls = { opens: 0, finalizes: 0 };
  const inner = createMemorySink({ id: 'memory://guarded' });
  const sink: Sink = {
    ...inner,
    specificationVersion: 'v1',
    id: inner.id,
    open(options) {
      calls.opens++;
      return inner.open(options);
    },
    ...(withFinalize
      ? {
          async finalize() {
            calls.finalizes++;
          },
        }
      : {}),
  };
  return { sink, calls };
}

describe('guardSink checks the open() arguments once, for every sink', () => {
  it.each([
    ['no dimensions', { dimensions: 0 }, /positive whole number/],
    ['negative dimensions', { dimensions: -4 }, /positive whole number/],
    ['fractional dimensions', { dimensions: 1.5 }, /positive whole number/],
    ['not a number', { dimensions: Number.NaN }, /positive whole number/],
    ['another distance', { distance: 'dot' }, /'cosine' only/],
    ['an empty model', { model: '' }, /no model/],
    ['a blank model', { model: '  ' }, /no model/],
  ])('refuses %s with invalid-input, before the sink sees it', async (_name, change, message) => {
    const { sink, calls } = countingSink(false);
    const guarded = guardSink(sink);
    const refused = guarded.open({ ...valid, ...change } as SinkOpenOptions);
    await expect(refused).rejects.toThrow(message);
    await expect(refused).rejects.toSatisfy((error) => DriftError.hasCode(error, 'invalid-input'));
    expect(calls.opens).toBe(0);
    // A refused open leaves the sink new: a right one still opens it.
    await guarded.open(valid);
    expect(calls.opens).toBe(1);
  });
});

describe('guardSink passes on the optional finalize', () => {
  it('only when the sink has one, and only once it is open', async () => {
    expect(guardSink(countingSink(false).sink).finalize).toBeUndefined();
    const { sink, calls } = countingSink(true);
    const guarded = guardSink(sink);
    await expect(guarded.finalize!()).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'plugin-state'),
    );
    await guarded.open(valid);
    await guarded.finalize!();
    expect(calls.finalizes).toBe(1);
    await guarded.close();
    await expect(guarded.finalize!()).rejects.toSatisfy((error) =>
      DriftError.hasCode(error, 'plugin-state'),
    );
  });
});
