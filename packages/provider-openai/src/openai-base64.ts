import { endianness } from 'node:os';

const littleEndian = endianness() === 'LE';

/**
 * Decodes OpenAI's `encoding_format: 'base64'` (little-endian float32) straight into a
 * Float32Array's memory: no intermediate buffer, no `number[]` on the way.
 */
export function decodeBase64Float32(encoded: string): Float32Array {
  const byteLength = Buffer.byteLength(encoded, 'base64');
  if (byteLength % 4 !== 0)
    throw new RangeError(`a base64 embedding of ${byteLength} bytes is not whole float32 values`);
  const vector = new Float32Array(byteLength / 4);
  // Decode straight into the vector's own memory: no intermediate buffer, no copy.
  const written = Buffer.from(vector.buffer, vector.byteOffset, byteLength).write(
    encoded,
    'base64',
  );
  if (written !== byteLength)
    throw new RangeError(`a base64 embedding decoded to ${written} bytes, not ${byteLength}`);
  if (!littleEndian) {
    const view = new DataView(vector.buffer);
    for (let index = 0; index < vector.length; index++)
      view.setUint32(index * 4, view.getUint32(index * 4, true), false);
  }
  return vector;
}
