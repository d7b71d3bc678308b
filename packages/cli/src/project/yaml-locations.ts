import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

/**
 * The line of a field of a parsed `drift.yaml` (1-based), from the yaml package's node
 * ranges. A field that is missing points at the key of its parent (`source:`); an unknown
 * key (`atKey`) at the key itself.
 */
export function lineOf(
  document: Document,
  lines: LineCounter,
  path: (string | number)[],
  atKey = false,
): number | undefined {
  let node: unknown = document.contents;
  let at = node as Node | undefined;
  for (const [depth, segment] of path.entries()) {
    const last = depth === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair) break;
      // A map or list value starts on the line after its key: the key reads better.
      at = ((atKey && last) || !isScalar(pair.value) ? pair.key : pair.value) as Node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment]) {
      node = node.items[segment];
      at = node as Node;
    } else break;
  }
  const offset = at?.range?.[0];
  return offset === undefined ? undefined : lines.linePos(offset).line;
}
