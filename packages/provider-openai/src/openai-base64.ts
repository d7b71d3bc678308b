import { endianness } from 'node:os';

const littleEndian = endianness() === 'LE';

/**
 * Decodes OpenAI's `encoding_format: 'base64'` (little-endian float32) straight into a
 * Float32Array: one copy of the bytes, no `number[]` on the way.
 */
export function decodeBase64Float32(encoded: string): Float32Array {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.length % 4 !== 0)
    throw new RangeError(`a base64 embedding of ${bytes.length} bytes is not whole float32 values`);
  const vector = new Float32Array(bytes.length / 4);
  if (littleEndian) {
    new Uint8Array(vector.buffer).set(bytes);
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    for (let index = 0; index < vector.length; index++)
      vector[index] = view.getFloat32(index * 4, true);
  }
  return vector;
}
