import { InvalidInputError } from '@drift-spark/core';
import {
  type Adapter,
  type AdapterFitSummary,
  adapterFamilies,
  type ProcrustesParameters,
} from './adapter-types.js';
import { decodeFloats } from './float-codec.js';

type Fields = Record<string, unknown>;

function fail(reason: string): never {
  throw new InvalidInputError(`Not a valid Drift adapter: ${reason}. Fit the adapter again.`);
}

function objectAt(value: unknown, where: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(`${where} must be an object`);
  }
  return value as Fields;
}

function text(fields: Fields, name: string): string {
  const value = fields[name];
  if (typeof value !== 'string' || value.length === 0) fail(`"${name}" must be a non-empty string`);
  return value;
}

function count(fields: Fields, name: string): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    fail(`"${name}" must be a positive integer`);
  }
  return value;
}

function finite(fields: Fields, name: string): number {
  const value = fields[name];
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`"${name}" must be a number`);
  return value;
}

function floats(fields: Fields, name: string, length: number): string {
  const value = fields[name];
  const decoded = typeof value === 'string' ? decodeFloats(value, length) : undefined;
  if (!decoded) fail(`"${name}" must be base64 of ${length} float32 values`);
  if (!decoded.every(Number.isFinite)) fail(`"${name}" holds a value that is not finite`);
  return value as string;
}

function procrustes(fields: Fields, from: number, to: number): ProcrustesParameters {
  return {
    sourceMean: floats(fields, 'sourceMean', from),
    targetMean: floats(fields, 'targetMean', to),
    scale: finite(fields, 'scale'),
    rotation: floats(fields, 'rotation', from * to),
  };
}

function fitSummary(value: unknown): AdapterFitSummary | undefined {
  if (value === undefined) return undefined;
  const fields = objectAt(value, '"fit"');
  const summary: AdapterFitSummary = {
    pairs: count(fields, 'pairs'),
    heldOutPairs: finite(fields, 'heldOutPairs'),
    heldOutCosine: finite(fields, 'heldOutCosine'),
  };
  for (const name of ['heldOutOverlapAt10', 'heldOutFidelityAt10'] as const) {
    if (fields[name] !== undefined) summary[name] = finite(fields, name);
  }
  return summary;
}

/**
 * Checks a parsed adapter file field by field and returns a clean copy holding only
 * the known fields; throws `InvalidInputError` naming the first bad field.
 */
export function validateAdapter(value: unknown): Adapter {
  const fields = objectAt(value, 'the file');
  if (fields.format !== 'drift-adapter') fail('"format" is not "drift-adapter"');
  if (fields.version !== 1) {
    fail(
      typeof fields.version === 'number' && fields.version > 1
        ? `version ${fields.version} is newer than this @drift-spark/adapter reads (1); upgrade it`
        : '"version" must be 1',
    );
  }
  const family = fields.family;
  if (typeof family !== 'string' || !adapterFamilies.includes(family as Adapter['family'])) {
    fail(`"family" must be one of ${adapterFamilies.join(', ')}`);
  }
  const from = count(fields, 'fromDimensions');
  const to = count(fields, 'toDimensions');
  const header = {
    format: 'drift-adapter' as const,
    version: 1 as const,
    fromModel: text(fields, 'fromModel'),
    toModel: text(fields, 'toModel'),
    fromDimensions: from,
    toDimensions: to,
  };
  const fit = fitSummary(fields.fit);
  const withFit = fit ? { fit } : {};
  if (family === 'procrustes') {
    return { ...header, family, ...withFit, ...procrustes(fields, from, to) };
  }
  if (family === 'low-rank-affine') {
    const rank = count(fields, 'rank');
    return {
      ...header,
      family,
      ...withFit,
      rank,
      ridge: finite(fields, 'ridge'),
      sourceMean: floats(fields, 'sourceMean', from),
      targetMean: floats(fields, 'targetMean', to),
      down: floats(fields, 'down', from * rank),
      up: floats(fields, 'up', rank * to),
    };
  }
  const hidden = count(fields, 'hidden');
  return {
    ...header,
    family: 'residual-mlp',
    ...withFit,
    base: procrustes(objectAt(fields.base, '"base"'), from, to),
    hidden,
    w1: floats(fields, 'w1', from * hidden),
    b1: floats(fields, 'b1', hidden),
    w2: floats(fields, 'w2', hidden * to),
    b2: floats(fields, 'b2', to),
  };
}
