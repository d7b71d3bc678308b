/**
 * Text → vector by feature hashing: word unigrams, word bigrams and character
 * 3-grams, each hashed (FNV-1a on char codes) to a few signed positions of the output
 * through a seeded mixer, then L2-normalised. Texts sharing words share features, so
 * they land closer than unrelated texts; another seed gives an unrelated space.
 * No allocation per feature: one lower-cased copy of the text and the output vector.
 */

const fnvOffset = 0x811c9dc5;
const fnvPrime = 0x01000193;

const unigramSalt = 0x2545f491;
const bigramSalt = 0x6c8e9cf5;
const trigramSalt = 0x1b873593;

const unigramWeight = 1;
const bigramWeight = 0.5;
const trigramWeight = 0.25;

/** murmur3's 32-bit finaliser: a cheap, well-spread bijection (kept in int32 for speed). */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** FNV-1a of a string's UTF-16 code units. */
export function fnv1a(text: string): number {
  let h = fnvOffset;
  for (let index = 0; index < text.length; index++) {
    h = Math.imul(h ^ text.charCodeAt(index), fnvPrime);
  }
  return h >>> 0;
}

/*
 * Positions come from the low 16 bits of a mixed hash by multiply-shift (no division;
 * fine for up to 65536 dimensions), the sign from the top bit. Writes into the output
 * are the cost that matters, so the many character 3-grams take one position each and
 * the fewer, more telling word features two.
 */
function addFeatureOnce(out: Float64Array, feature: number, seed: number, weight: number): void {
  const h = mix32(feature ^ seed);
  out[((h & 0xffff) * out.length) >>> 16]! += h < 0 ? -weight : weight;
}

function addFeatureTwice(out: Float64Array, feature: number, seed: number, weight: number): void {
  const h = mix32(feature ^ seed);
  out[((h & 0xffff) * out.length) >>> 16]! += h < 0 ? -weight : weight;
  const g = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  out[((g & 0xffff) * out.length) >>> 16]! += g < 0 ? -weight : weight;
}

function isWordCode(code: number): boolean {
  if (code < 0x80) {
    return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39);
  }
  // Non-ASCII letters count as word characters; skip the common space and punctuation blocks.
  return !(
    code === 0xa0 ||
    (code >= 0x2000 && code <= 0x206f) ||
    (code >= 0x3000 && code <= 0x303f) ||
    code === 0xfeff
  );
}

/**
 * Sums features in doubles (no float conversion per write; about a third faster than
 * summing into the Float32Array), reused across calls: the function is synchronous.
 */
let scratch = new Float64Array(0);

/** Writes the unit vector of `text` in the space named by `seed` into `result`, and returns it. */
export function hashedFeatureVector(
  text: string,
  seed: number,
  result: Float32Array,
): Float32Array {
  if (scratch.length !== result.length) scratch = new Float64Array(result.length);
  else scratch.fill(0);
  const out = scratch;
  const lower = text.toLowerCase();
  const length = lower.length;
  let word = fnvOffset;
  let inWord = false;
  let previousWord = 0;
  let hasPrevious = false;
  let c1 = 0;
  let c2 = 0;
  for (let index = 0; index < length; index++) {
    const code = lower.charCodeAt(index);
    // Character 3-grams, spaces included so word edges count.
    if (index >= 2) {
      const trigram =
        Math.imul(c1, 0x9e3779b1) ^ Math.imul(c2, 0x85ebca77) ^ Math.imul(code, 0xc2b2ae3d);
      addFeatureOnce(out, trigram ^ trigramSalt, seed, trigramWeight);
    }
    c1 = c2;
    c2 = code;
    if (isWordCode(code)) {
      word = Math.imul(word ^ code, fnvPrime);
      inWord = true;
    } else if (inWord) {
      const current = word;
      addFeatureTwice(out, current ^ unigramSalt, seed, unigramWeight);
      if (hasPrevious) {
        addFeatureTwice(
          out,
          mix32(Math.imul(previousWord, 31) + current) ^ bigramSalt,
          seed,
          bigramWeight,
        );
      }
      previousWord = current;
      hasPrevious = true;
      word = fnvOffset;
      inWord = false;
    }
  }
  if (inWord) {
    const current = word;
    addFeatureTwice(out, current ^ unigramSalt, seed, unigramWeight);
    if (hasPrevious) {
      addFeatureTwice(
        out,
        mix32(Math.imul(previousWord, 31) + current) ^ bigramSalt,
        seed,
        bigramWeight,
      );
    }
  }
  // Short texts (one or two characters) have no 3-gram; give them their characters.
  if (length > 0 && length < 3) {
    addFeatureOnce(out, fnv1a(lower) ^ trigramSalt, seed, trigramWeight);
  }
  let norm = 0;
  for (let index = 0; index < out.length; index++) norm += out[index]! * out[index]!;
  if (norm === 0) {
    // The empty text: a fixed unit vector of this space.
    result.fill(0);
    result[((mix32(seed) & 0xffff) * out.length) >>> 16] = 1;
    return result;
  }
  const scale = 1 / Math.sqrt(norm);
  for (let index = 0; index < out.length; index++) result[index] = out[index]! * scale;
  return result;
}

/** The seed of a model's space. */
export function spaceSeed(model: string, dimensions: number): number {
  return mix32(fnv1a(model) ^ Math.imul(dimensions, 0x27d4eb2f)) >>> 0;
}
