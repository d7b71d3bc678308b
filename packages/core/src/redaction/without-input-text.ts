/** Runs of the input at least this long are cut from a reason (shorter ones match by chance). */
const window = 8;

/** A reason kept in the ledger is short: a provider's message, not a document. */
const maxReasonLength = 500;

/**
 * A failure reason with no piece of the input text left in it: a provider may quote the
 * input it refused, and the ledger promises to hold no text. Every run of 8 or more
 * characters that also occurs in `text` (and the whole text, when shorter) becomes `…`.
 * Linear in the lengths of both: the text's 8-character windows go in a set once.
 */
export function withoutInputText(reason: string, text: string): string {
  const cut = reason.length > maxReasonLength ? `${reason.slice(0, maxReasonLength)}…` : reason;
  if (text.length === 0) return cut;
  if (text.length < window) return text.trim().length < 3 ? cut : cut.split(text).join('…');
  const windows = new Set<string>();
  for (let at = 0; at + window <= text.length; at++) windows.add(text.slice(at, at + window));
  const covered = new Uint8Array(cut.length);
  for (let at = 0; at + window <= cut.length; at++) {
    if (windows.has(cut.slice(at, at + window))) covered.fill(1, at, at + window);
  }
  let result = '';
  for (let at = 0; at < cut.length; at++) {
    if (!covered[at]) result += cut[at];
    else if (at === 0 || !covered[at - 1]) result += '…';
  }
  return result;
}
