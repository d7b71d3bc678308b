/**
 * A 52-bit hash of a point id, exact in a JS number: a first load remembers the ids it
 * appended as numbers, ~35 bytes each in a Set against ~75 for the id strings (1M ids:
 * ~35 MB instead of ~73 MB). Two ids that collide (odds ~n²/2⁵³) only make the load
 * switch to mergeInsert early, which is always correct.
 */
export function idHash(id: string): number {
  let high = 0x811c9dc5;
  let low = 0x01000193;
  for (let at = 0; at < id.length; at++) {
    const code = id.charCodeAt(at);
    high = Math.imul(high ^ code, 0x01000193);
    low = Math.imul(low ^ code, 0x5bd1e995) ^ (low >>> 13);
  }
  return (high >>> 12) * 2 ** 32 + (low >>> 0);
}
