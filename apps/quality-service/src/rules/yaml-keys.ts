import { type Document, isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

export interface RepeatedKey {
  key: string;
  line: number;
  column: number;
}

/**
 * The first key (by position) that a mapping of the document repeats. The yaml package's own
 * uniqueKeys check compares each key with every earlier one (quadratic: 25,000 keys in 240 KB take
 * over ten seconds); this remembers keys in a Map. Keys compare as yaml compares scalars (by value,
 * so 1 and "1" differ); a list or map used as a key is never equal to another. A loop, no recursion.
 */
export function firstRepeatedKey(document: Document, lines: LineCounter): RepeatedKey | undefined {
  let first: { key: unknown; offset: number } | undefined;
  const pending: unknown[] = [document.contents];
  while (pending.length > 0) {
    const node = pending.pop();
    if (isMap(node)) {
      const seen = new Map<unknown, true>();
      for (const pair of node.items) {
        pending.push(pair.key, pair.value);
        if (!isScalar(pair.key)) continue;
        const offset = pair.key.range?.[0] ?? 0;
        if (seen.has(pair.key.value) && (first === undefined || offset < first.offset)) first = { key: pair.key.value, offset };
        seen.set(pair.key.value, true);
      }
    } else if (isSeq(node)) {
      pending.push(...(node.items as Node[]));
    }
  }
  if (!first) return undefined;
  const { line, col } = lines.linePos(first.offset);
  return { key: String(first.key), line, column: col };
}
