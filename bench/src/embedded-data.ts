/**
 * Deterministic bench points for the embedded-sink bench: unit vectors around 64 cluster
 * centres (real embeddings cluster; uniform random vectors would make every ANN index
 * look bad), each generated from its index alone, so no process holds them all.
 */
import type { Point } from '@drift-spark/core';

export const dimensions = 1536;
export const model = 'openai/text-embedding-3-small';

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(next: () => number): number {
  return Math.sqrt(-2 * Math.log(next() || 1e-12)) * Math.cos(2 * Math.PI * next());
}

const centres = Array.from({ length: 64 }, (_, index) => {
  const next = random(1_000_003 * (index + 1));
  return Float32Array.from({ length: dimensions }, () => gaussian(next));
});

/** The vector of point number `index` (queries use indexes beyond the loaded range). */
export function vectorAt(index: number): Float32Array {
  const next = random(index + 7);
  const centre = centres[index % centres.length] as Float32Array;
  const values = new Float32Array(dimensions);
  let norm = 0;
  for (let at = 0; at < dimensions; at++) {
    const value = (centre[at] as number) + 0.8 * gaussian(next);
    values[at] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let at = 0; at < dimensions; at++) values[at] = (values[at] as number) * scale;
  return values;
}

/** A stable UUID-shaped id for point number `index`. */
export function idAt(index: number): string {
  const hex = index.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

const content =
  'A support ticket about a delayed refund, about two hundred characters long, the size of a typical chunk of text that a RAG pipeline embeds and stores beside its vector for retrieval.';

export function pointsAt(start: number, end: number): Point[] {
  const points: Point[] = [];
  for (let index = start; index < end; index++) {
    points.push({
      id: idAt(index),
      vector: vectorAt(index),
      payload: {
        key: String(index),
        source: 'delta:bench',
        content,
        content_hash: 'f'.repeat(64),
        model,
        run_id: 'bench-run',
        metadata: { row: index },
      },
    });
  }
  return points;
}

/** Binary COPY of (id uuid, embedding vector) rows: the ceiling's encoder. */
export function encodeIdVectorCopy(start: number, end: number): Uint8Array {
  const rowBytes = 2 + 4 + 16 + 4 + 4 + 4 * dimensions;
  const buffer = new ArrayBuffer(19 + (end - start) * rowBytes + 2);
  const view = new DataView(buffer);
  const bytes = new Uint8Array(buffer);
  bytes.set([0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00], 0);
  let at = 19; // signature, flags (0), header extension length (0)
  for (let index = start; index < end; index++) {
    view.setInt16(at, 2);
    view.setInt32(at + 2, 16);
    const hex = idAt(index).replaceAll('-', '');
    for (let byte = 0; byte < 16; byte++)
      bytes[at + 6 + byte] = Number.parseInt(hex.slice(byte * 2, byte * 2 + 2), 16);
    at += 22;
    view.setInt32(at, 4 + 4 * dimensions);
    view.setInt16(at + 4, dimensions);
    view.setInt16(at + 6, 0);
    at += 8;
    const vector = vectorAt(index);
    for (let value = 0; value < dimensions; value++, at += 4)
      view.setFloat32(at, vector[value] as number);
  }
  view.setInt16(at, -1);
  return bytes;
}
