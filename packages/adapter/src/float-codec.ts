/**
 * Adapter parameters travel as base64 of little-endian float32: exact, a quarter of
 * the size of JSON numbers, and byte-stable, so the file's hash does not depend on
 * how a number happens to print.
 */
export function encodeFloats(values: ArrayLike<number>): string {
  const floats = Float32Array.from(values as ArrayLike<number>);
  const bytes = Buffer.alloc(floats.length * 4);
  for (let index = 0; index < floats.length; index++) bytes.writeFloatLE(floats[index]!, index * 4);
  return bytes.toString('base64');
}

/** Decodes `encodeFloats`; undefined when the text is not base64 of `length` floats. */
export function decodeFloats(text: string, length: number): Float32Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== length * 4) return undefined;
  const floats = new Float32Array(length);
  for (let index = 0; index < length; index++) floats[index] = bytes.readFloatLE(index * 4);
  return floats;
}
