import cl100kBase from 'js-tiktoken/ranks/cl100k_base';

/**
 * cl100k_base, the tokenizer of every OpenAI embedding model, on js-tiktoken's rank table.
 * The encoder is Drift's own: js-tiktoken's merge rebuilds a string key for every pair on
 * every step (cubic in a word's length, minutes for a page of CJK) and compiles its regexes
 * on every call; this one keys ranks by latin1 byte strings and merges with the same rule
 * (lowest rank first, leftmost on ties), so the tokens are identical and the tests hold it
 * to js-tiktoken on mixed text.
 */
const asciiOnly = /^[ -~\t\n\r]*$/; // printable ASCII and common whitespace; other pieces go through Buffer
const maxPieceBytes = 384;
/**
 * Pieces remembered with their tokens: words repeat, and the merge was 2/3 of a first
 * embed's CPU. Every piece short enough to merge whole is remembered, known tokens too: one
 * lookup per piece in this map, not one in the 100k-entry rank map and another here, was
 * 440 → 150-230 ms for the pieces of 2,000 1 KB texts.
 */
const knownCacheSize = 50_000;
/** Token pairs remembered: a few hundred thousand cover most text; the rest is looked up again. */
const pairCacheSize = 500_000;

class Cl100kEncoder {
  private readonly ranks = new Map<string, number>();
  private readonly bytesOf: string[] = [];
  private readonly pattern: RegExp;
  private readonly known = new Map<string, number[]>();
  /** pairs[left].get(right): the rank of the two tokens' bytes joined. */
  private readonly pairs: (Map<number, number> | undefined)[] = [];
  private pairCount = 0;

  constructor() {
    for (const line of cl100kBase.bpe_ranks.split('\n')) {
      if (line.length === 0) continue;
      const [, offsetText, ...tokens] = line.split(' ');
      const offset = Number.parseInt(offsetText as string, 10);
      tokens.forEach((token, index) => {
        // atob gives the bytes as a latin1 string directly: 111 → 27 ms for the 100k ranks
        const key = atob(token);
        this.ranks.set(key, offset + index);
        this.bytesOf[offset + index] = key;
      });
    }
    this.pattern = new RegExp(cl100kBase.pat_str, 'gu');
  }

  /** Token ids of `text`; special-token text such as `<|endoftext|>` is plain text, as the embeddings API treats it. */
  encode(text: string): number[] {
    const tokens: number[] = [];
    this.scan(text, tokens);
    return tokens;
  }

  /** How many tokens `encode` would give, without building them. */
  count(text: string): number {
    return this.scan(text, undefined);
  }

  /** Splits `text` into pieces and tokens: counts them, and appends them to `tokens` when given. */
  private scan(text: string, tokens: number[] | undefined): number {
    let count = 0;
    const pattern = this.pattern;
    pattern.lastIndex = 0;
    for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
      const word = match[0];
      const parts = this.known.get(word) ?? this.encodePiece(word);
      count += parts.length;
      if (tokens !== undefined) for (const part of parts) tokens.push(part);
    }
    return count;
  }

  /** The tokens of one piece of the split, remembered unless it is long. */
  private encodePiece(word: string): number[] {
    // An ASCII piece is its own latin1 byte string; only others need converting.
    const piece = asciiOnly.test(word) ? word : Buffer.from(word, 'utf8').toString('latin1');
    const parts: number[] = [];
    if (piece.length <= maxPieceBytes) {
      this.mergePiece(piece, parts);
      if (this.known.size >= knownCacheSize) this.known.clear();
      this.known.set(word, parts);
      return parts;
    }
    // The merge is quadratic in a piece's length; a longer piece (a run of CJK with no
    // space, a base64 blob) is merged in slices cut between UTF-8 characters, which
    // may move a token at each cut but keeps a megabyte from taking minutes.
    let start = 0;
    while (start < piece.length) {
      let end = Math.min(piece.length, start + maxPieceBytes);
      while (end < piece.length && (piece.charCodeAt(end) & 0xc0) === 0x80) end--;
      this.mergePiece(piece.slice(start, end), parts);
      start = end;
    }
    return parts;
  }

  private mergePiece(piece: string, out: number[]): void {
    const whole = this.ranks.get(piece);
    if (whole !== undefined) {
      out.push(whole);
      return;
    }
    // Parts are tokens (bytes first, then merges of two tokens), merged pairwise, lowest
    // rank first, leftmost on ties. A pair's rank is looked up by its two token ids.
    const parts: number[] = [];
    for (let index = 0; index < piece.length; index++)
      parts.push(this.ranks.get(piece[index] as string) as number);
    const ranks: number[] = [];
    for (let index = 0; index + 1 < parts.length; index++)
      ranks.push(this.pairRank(parts[index] as number, parts[index + 1] as number));
    while (ranks.length > 0) {
      let best = 0;
      for (let index = 1; index < ranks.length; index++)
        if ((ranks[index] as number) < (ranks[best] as number)) best = index;
      const merged = ranks[best] as number;
      if (merged === Number.POSITIVE_INFINITY) break;
      parts.splice(best, 2, merged);
      ranks.splice(best, 1);
      if (best < ranks.length) ranks[best] = this.pairRank(merged, parts[best + 1] as number);
      if (best > 0) ranks[best - 1] = this.pairRank(parts[best - 1] as number, merged);
    }
    for (const part of parts) out.push(part);
  }

  /** The rank of two tokens' bytes joined (Infinity: no such token), remembered per pair. */
  private pairRank(left: number, right: number): number {
    if (this.pairCount >= pairCacheSize) {
      this.pairs.length = 0;
      this.pairCount = 0;
    }
    let row = this.pairs[left];
    if (row === undefined) {
      row = new Map();
      this.pairs[left] = row;
    }
    let rank = row.get(right);
    if (rank === undefined) {
      rank =
        this.ranks.get((this.bytesOf[left] as string) + (this.bytesOf[right] as string)) ??
        Number.POSITIVE_INFINITY;
      row.set(right, rank);
      this.pairCount++;
    }
    return rank;
  }

  decode(tokens: number[]): string {
    let bytes = '';
    for (const token of tokens) bytes += this.bytesOf[token] ?? '';
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
}

let encoder: Cl100kEncoder | undefined;

/** Built on first use (~0.3 s), never at import. */
function cl100k(): Cl100kEncoder {
  encoder ??= new Cl100kEncoder();
  return encoder;
}

/** cl100k_base token ids of `text`. */
export function encodeTokens(text: string): number[] {
  return cl100k().encode(text);
}

/** How many cl100k_base tokens `text` has (`encodeTokens(text).length`, without the ids). */
export function countTokens(text: string): number {
  return cl100k().count(text);
}

/** The first `maxTokens` tokens of `text` as text, without a dangling half character. */
export function truncateToTokens(tokens: number[], maxTokens: number): string {
  return cl100k()
    .decode(tokens.slice(0, maxTokens))
    .replace(/\uFFFD+$/, '');
}

/** OpenAI's request-size estimate: a quarter token per UTF-8 byte, rounded up (pgai measured it). */
export function estimateTokensByBytes(text: string): number {
  return Math.ceil(Buffer.byteLength(text, 'utf8') / 4);
}
