/**
 * The shadow embedder's cost per text: TEXTS synthetic texts of ~1 KB (default 20k),
 * embedded in calls of 1024 at 1536 dimensions, held against the machine's SHA-256 of
 * the same texts (`crypto.hash`, the ceiling of anything that reads every byte once),
 * plus peak RSS.
 *
 *   pnpm --filter @drift-spark/core build && cd bench && node --import tsx src/shadow.ts
 */
import { hash } from 'node:crypto';
import { createShadowEmbedder } from '@drift-spark/core';

const count = Number(process.env.TEXTS ?? 20_000);
const words = (
  'delta lake vector index table change feed model upgrade cost ledger provenance delete ' +
  'embedding spark query search relevance customer invoice shipment warehouse region revenue'
).split(' ');
let state = 7;
const random = () => {
  state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
  return state / 0x7fffffff;
};
const texts: string[] = [];
for (let index = 0; index < count; index++) {
  // Joined, so each text is one flat string as a reader hands it over (not a rope).
  const parts = [`row ${index}:`];
  let length = parts[0]!.length;
  while (length < 1000) {
    const word = words[Math.floor(random() * words.length)]!;
    parts.push(word);
    length += word.length + 1;
  }
  texts.push(parts.join(' '));
}

const embedder = createShadowEmbedder({ model: 'openai/text-embedding-3-small' });
// 1 KB is about 250 tokens: 1024 texts stay under the 300k tokens a call may carry.
const callSize = 1024;

async function embedAll(): Promise<number> {
  const started = performance.now();
  for (let start = 0; start < texts.length; start += callSize) {
    await embedder.embed(texts.slice(start, start + callSize));
  }
  return performance.now() - started;
}

function hashAll(): number {
  const started = performance.now();
  for (const text of texts) hash('sha256', text);
  return performance.now() - started;
}

// Warm up both, then take the best of three.
await embedAll();
hashAll();
let embedMs = Number.POSITIVE_INFINITY;
let hashMs = Number.POSITIVE_INFINITY;
for (let round = 0; round < 3; round++) {
  embedMs = Math.min(embedMs, await embedAll());
  hashMs = Math.min(hashMs, hashAll());
}
const perText = (ms: number) => (ms * 1000) / count;
console.log(`shadow embedder, ${count} texts of ~1 KB, ${embedder.dimensions} dimensions`);
console.log(
  `  shadow:  ${perText(embedMs).toFixed(1)} µs/text (${Math.round(count / (embedMs / 1000))} texts/s)`,
);
console.log(`  sha-256: ${perText(hashMs).toFixed(2)} µs/text (ceiling)`);
console.log(`  ratio:   ${(embedMs / hashMs).toFixed(1)}× the SHA-256 time`);
console.log(`  peak RSS ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
