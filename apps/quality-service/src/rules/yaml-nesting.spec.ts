import { parseDocument } from 'yaml';
import { yamlTooDeep } from './yaml-nesting.js';

/** The smallest limit the scan lets the text through at: its measured depth. */
function measured(text: string): number {
  let limit = 0;
  while (yamlTooDeep(text, limit)) limit += 1;
  return limit;
}

/** How deeply a (small) value nests lists and maps, keys included. */
function depthOf(value: unknown): number {
  if (value instanceof Map) return 1 + Math.max(0, ...[...value].map(([key, item]) => Math.max(depthOf(key), depthOf(item))));
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

/** A repeatable pseudo-random sequence (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('yamlTooDeep: the nesting of a YAML text, measured on its tokens', () => {
  it.each([
    ['a scalar', 'x', 0],
    ['a rule document as export writes it', 'rules:\n  - id: A1\n    values:\n      - S01\n', 4],
    ['the same with sequences at their keys\' columns', 'rules:\n- id: A1\n  values:\n  - S01\n', 4],
    ['compact nested sequences', '- - - x', 3],
    ['a map in a sequence on one line', '- a: b', 2],
    ['flow inside block', 'a: [{b: [c]}]', 4],
    ['a pair inside a flow sequence', '[a: [b]]', 3],
    ['an explicit key', '? - a\n: b', 2],
    ['siblings at one level', 'a: 1\nb: 2\nc:\n  - x\nd: [y]', 2],
    ['comments and quoted text that look like structure', '# - [ {\na: "- [ {" # - [\nb: |\n  - - [\n', 1],
  ])('measures %s', (_, text, depth) => {
    expect(measured(text)).toBe(depth);
    expect(depthOf(parseDocument(text).toJS({ mapAsMap: true }))).toBe(depth);
  });

  it('never measures less than one level under the real depth, on 4,000 random YAML-like texts', () => {
    const pieces = ['- ', '? ', ': ', 'a: ', 'b: ', '[', ']', '{', '}', ', ', 'x', '\n', '\n  ', '\n    ', '\n ', '&q ', '!t ', '"s"', '- - ', 'k: - ', '\n- ', '\n  - '];
    const next = random(20261126);
    let read = 0;
    for (let attempt = 0; attempt < 4_000; attempt += 1) {
      const length = 5 + Math.floor(next() * 40);
      const text = Array.from({ length }, () => pieces[Math.floor(next() * pieces.length)]).join('');
      const document = parseDocument(text, { uniqueKeys: false });
      if (document.errors.length > 0) continue;
      read += 1;
      // A flow collection written as a block map's key is counted before its map: at most one level short.
      const real = depthOf(document.toJS({ mapAsMap: true, maxAliasCount: -1 }));
      // The text is in the comparison so that a failure shows it.
      expect({ text, real, atLeast: measured(text) + 1 >= real }).toEqual({ text, real, atLeast: true });
    }
    expect(read).toBeGreaterThan(20);
  });
});
