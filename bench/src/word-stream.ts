/** A fixed pseudo-random stream of bench words: the same seed gives the same text on every run. */
const words = [
  'delta',
  'vector',
  'ledger',
  'embedding',
  'table',
  'stream',
  'batch',
  'lake',
  'query',
  'model',
  'point',
  'cosine',
  'schema',
  'commit',
  'version',
  'spark',
  'drift',
  'index',
  'token',
  'price',
];

/** `length` words drawn by a linear congruential generator from `seed`, joined by spaces. */
export function wordStream(seed: number, length: number): string {
  let state = seed;
  const random = () => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
  return Array.from({ length }, () => words[Math.floor(random() * words.length)]).join(' ');
}
