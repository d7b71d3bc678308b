import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DriftError } from '@drift-spark/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adapterHash,
  loadAdapter,
  parseAdapter,
  saveAdapter,
  serializeAdapter,
} from './adapter-file.js';
import type { Adapter } from './adapter-types.js';
import { applyAdapter } from './apply-adapter.js';
import { fitAdapter } from './fit-adapter.js';
import { encodeFloats } from './float-codec.js';
import { randomVectors, seededRandom } from './synthetic-pairs.js';

const models = { fromModel: 'test/model-b', toModel: 'test/model-a' };
const adapters = new Map<string, Adapter>();
let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'drift-adapter-'));
  const random = seededRandom(9);
  const pairs = {
    source: randomVectors(120, 12, random, 0.2),
    target: randomVectors(120, 8, random, 0.2),
  };
  for (const family of ['procrustes', 'low-rank-affine', 'residual-mlp'] as const) {
    const { adapter } = await fitAdapter(pairs, {
      ...models,
      families: [family],
      rank: 4,
      hidden: 8,
    });
    adapters.set(family, adapter);
  }
});
afterAll(() => rm(folder, { recursive: true, force: true }));

const rejects = (text: string, message: RegExp) => {
  let thrown: unknown;
  try {
    parseAdapter(text);
  } catch (error) {
    thrown = error;
  }
  expect(DriftError.hasCode(thrown, 'invalid-input')).toBe(true);
  expect((thrown as Error).message).toMatch(message);
  expect((thrown as Error).message).not.toContain('\n');
};

describe('adapter file', () => {
  it.each(['procrustes', 'low-rank-affine', 'residual-mlp'])(
    'round-trips a %s adapter exactly',
    async (family) => {
      const adapter = adapters.get(family)!;
      const text = serializeAdapter(adapter);
      const parsed = parseAdapter(text);
      expect(parsed).toEqual(adapter);
      expect(serializeAdapter(parsed)).toBe(text);
      expect(adapterHash(parsed)).toBe(adapterHash(adapter));
      const path = join(folder, `${family}.json`);
      await saveAdapter(path, adapter);
      const loaded = await loadAdapter(path);
      const probe = randomVectors(1, 12, seededRandom(1))[0]!;
      expect(Array.from(applyAdapter(loaded, probe))).toEqual(
        Array.from(applyAdapter(adapter, probe)),
      );
    },
  );

  it('has a hash that depends on the content, not on key order', () => {
    const adapter = adapters.get('procrustes')!;
    const reordered = Object.fromEntries(Object.entries(adapter).reverse()) as unknown as Adapter;
    expect(adapterHash(reordered)).toBe(adapterHash(adapter));
    expect(adapterHash(adapter)).toMatch(/^[0-9a-f]{64}$/);
    expect(
      adapterHash({ ...adapter, scale: (adapter as { scale: number }).scale + 1e-6 } as Adapter),
    ).not.toBe(adapterHash(adapter));
    expect(adapterHash({ ...adapter, toModel: 'test/other' })).not.toBe(adapterHash(adapter));
  });

  it('refuses malformed files with one clear line', async () => {
    const good = JSON.parse(serializeAdapter(adapters.get('procrustes')!)) as Record<
      string,
      unknown
    >;
    const variant = (changes: Record<string, unknown>) => JSON.stringify({ ...good, ...changes });
    rejects('{"format": "drift-adapter",', /not JSON/);
    rejects('[]', /the file must be an object/);
    rejects(variant({ format: 'something-else' }), /"format" is not "drift-adapter"/);
    rejects(variant({ version: 2 }), /version 2 is newer .* upgrade/);
    rejects(variant({ version: '1' }), /"version" must be 1/);
    rejects(
      variant({ family: 'neural-ode' }),
      /"family" must be one of procrustes, low-rank-affine, residual-mlp/,
    );
    rejects(variant({ toModel: undefined }), /"toModel" must be a non-empty string/);
    rejects(variant({ fromDimensions: 0 }), /"fromDimensions" must be a positive integer/);
    rejects(variant({ toDimensions: 9 }), /"targetMean" must be base64 of 9 float32 values/);
    rejects(
      variant({ rotation: encodeFloats(new Float32Array(12 * 8 - 1)) }),
      /"rotation" must be base64 of 96/,
    );
    rejects(variant({ rotation: 'not base64!' }), /"rotation" must be base64/);
    rejects(
      variant({ sourceMean: encodeFloats(new Float32Array(12).fill(Number.NaN)) }),
      /"sourceMean" holds a value that is not finite/,
    );
    rejects(variant({ scale: 'big' }), /"scale" must be a number/);
    const path = join(folder, 'broken.json');
    await writeFile(path, '{"format": 1}');
    await expect(loadAdapter(path)).rejects.toThrow(/"format" is not "drift-adapter"/);
    await expect(loadAdapter(join(folder, 'missing.json'))).rejects.toThrow(
      /Cannot read the adapter file .*ENOENT/,
    );
  });

  it('refuses a vector of the wrong dimension', () => {
    expect(() => applyAdapter(adapters.get('procrustes')!, new Float32Array(8))).toThrow(
      /maps test\/model-b vectors of 12 dimensions; this vector has 8/,
    );
  });
});
