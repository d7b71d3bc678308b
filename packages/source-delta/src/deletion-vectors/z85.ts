const alphabet =
  '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const decodeTable = new Int16Array(128).fill(-1);
for (let index = 0; index < alphabet.length; index++)
  decodeTable[alphabet.charCodeAt(index)] = index;

function digit(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const value = code < 128 ? decodeTable[code]! : -1;
  if (value < 0)
    throw new Error(`invalid Z85 character ${JSON.stringify(text[index])} at ${index}`);
  return value;
}

/**
 * Decodes Z85 (ZeroMQ RFC 32). Also accepts the tail padding of the Rust `z85` crate,
 * which Delta kernel accepts too: a last group that starts with k `#` holds 4 − k bytes
 * in its remaining 5 − k characters (a standard group starting with `#` would overflow
 * 32 bits, so the two forms cannot be confused).
 */
export function decodeZ85(text: string): Uint8Array {
  if (text.length % 5 !== 0)
    throw new Error(`Z85 text length ${text.length} is not a multiple of 5`);
  const groups = text.length / 5;
  const output = new Uint8Array(groups * 4);
  let length = 0;
  for (let group = 0; group < groups; group++) {
    const start = group * 5;
    let padding = 0;
    if (group === groups - 1) {
      while (padding < 4 && text[start + padding] === '#') padding++;
    }
    let value = 0;
    for (let index = start + padding; index < start + 5; index++)
      value = value * 85 + digit(text, index);
    const bytes = 4 - padding;
    if (value >= 2 ** (8 * bytes)) throw new Error(`Z85 group ${group} overflows`);
    for (let byte = bytes - 1; byte >= 0; byte--) {
      output[length + byte] = value % 256;
      value = Math.floor(value / 256);
    }
    length += bytes;
  }
  return output.subarray(0, length);
}
