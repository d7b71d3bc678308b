import { describe, expect, it } from 'vitest';
import { DriftError, ErrorCode } from '../errors/index.js';
import { conformancePoint, unitVector } from '../testkit/testkit-helpers.js';
import { createSinkHandle } from './sink-handle.js';
import { toPointPayload } from './sink-payload.js';
import { assertStorablePoint, isPointId } from './sink-point-check.js';
import { assertSearchArgs } from './sink-search-args.js';

const code = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return DriftError.isInstance(error) ? error.code : 'not a DriftError';
  }
  return undefined;
};

describe('createSinkHandle', () => {
  it('refuses use before open, after close and with an aborted signal; hands the handle back at close', () => {
    const handle = createSinkHandle<{ name: string }>('Test', 'test://a');
    expect(() => handle.ready()).toThrow(/The Test sink test:\/\/a is not open: call open/);
    handle.beforeOpen();
    handle.set({ name: 'client' });
    expect(handle.ready().name).toBe('client');
    const aborted = AbortSignal.abort();
    expect(code(() => handle.ready(aborted))).toBe(ErrorCode.Aborted);
    expect(code(() => handle.beforeOpen(aborted))).toBe(ErrorCode.Aborted);
    expect(handle.close()).toEqual({ name: 'client' });
    expect(handle.closed).toBe(true);
    expect(handle.close()).toBeUndefined();
    expect(() => handle.ready()).toThrow(/is closed; create a new one/);
    expect(code(() => handle.beforeOpen())).toBe(ErrorCode.PluginState);
  });
});

describe('assertStorablePoint', () => {
  const point = conformancePoint('row-1', unitVector(4, 1));

  it('takes a UUID id and a finite vector of the store size', () => {
    expect(isPointId(point.id)).toBe(true);
    expect(() => assertStorablePoint(point, 4, 'the table t')).not.toThrow();
  });

  it('refuses another id, another size, a non-finite value', () => {
    expect(isPointId('row-1')).toBe(false);
    expect(isPointId(42)).toBe(false);
    expect(() => assertStorablePoint({ ...point, id: 'row-1' }, 4, 'the table t')).toThrow(
      /not a UUID: derive point ids with pointId/,
    );
    expect(() => assertStorablePoint(point, 8, 'the table t')).toThrow(
      /vector of 4 dimensions; the table t holds 8/,
    );
    const vector = Float32Array.from([0, Number.NaN, 0, 0]);
    expect(() => assertStorablePoint({ ...point, vector }, 4, 'the table t')).toThrow(
      /non-finite value at dimension 1/,
    );
  });
});

describe('assertSearchArgs', () => {
  it('refuses k below 1 or not whole, and a query vector of another size', () => {
    expect(() => assertSearchArgs(new Float32Array(4), 3, 4, 'the table t')).not.toThrow();
    expect(code(() => assertSearchArgs(new Float32Array(4), 0, 4, 'the table t'))).toBe(
      ErrorCode.InvalidInput,
    );
    expect(() => assertSearchArgs(new Float32Array(4), 1.5, 4, 'the table t')).toThrow(/k ≥ 1/);
    expect(() => assertSearchArgs(new Float32Array(3), 1, 4, 'the table t')).toThrow(
      /has 3 dimensions; the table t holds 4/,
    );
  });
});

describe('toPointPayload', () => {
  it('reads a stored record under the contract names, metadata from an object or JSON text', () => {
    const stored = {
      key: 'k',
      source: 's',
      content: null,
      content_hash: 'h',
      model: 'm',
      run_id: null,
      metadata: '{"a":1}',
    };
    expect(toPointPayload(stored)).toEqual({ ...stored, run_id: '', metadata: { a: 1 } });
    expect(toPointPayload({ ...stored, metadata: { b: 2 } }).metadata).toEqual({ b: 2 });
    expect(toPointPayload(undefined)).toMatchObject({ key: '', content: null, metadata: null });
  });
});
