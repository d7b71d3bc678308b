/**
 * A deterministic unit vector for a text: the same text and dimensions always give the
 * same floats, different texts give different vectors. Lets a test check that vector i
 * belongs to input i after a round trip through base64 or JSON.
 */
export function fakeVector(text: string, dimensions: number): Float32Array {
  // FNV-1a over the UTF-16 code units seeds a xorshift32 stream.
  let state = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    state ^= text.charCodeAt(index);
    state = Math.imul(state, 0x01000193) >>> 0;
  }
  if (state === 0) state = 1;
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let index = 0; index < dimensions; index++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const value = state / 0x100000000 - 0.5;
    vector[index] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < dimensions; index++)
    vector[index] = (vector[index] as number) * scale;
  return vector;
}

/** Little-endian float32 bytes in base64, as OpenAI's `encoding_format: 'base64'` sends them. */
export function float32ToBase64(vector: Float32Array): string {
  const bytes = Buffer.alloc(vector.length * 4);
  for (let index = 0; index < vector.length; index++)
    bytes.writeFloatLE(vector[index] as number, index * 4);
  return bytes.toString('base64');
}

/** OpenAI's own per-request token estimate: a quarter token per UTF-8 byte (as pgai found). */
export function estimateTokensByBytes(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}
