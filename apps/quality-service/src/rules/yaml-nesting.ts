import { CST, Lexer } from 'yaml';

/** Where a document first nests deeper than allowed (1-based line and column). */
export interface NestingPosition {
  line: number;
  column: number;
}

interface BlockLevel {
  column: number;
  kind: 'seq' | 'map';
}

interface FlowLevel {
  kind: 'seq' | 'map';
  /** A flow sequence entry written `key: value` is a one-pair map inside the sequence: one level more. */
  pair: boolean;
}

/**
 * How deeply a YAML text nests, measured on the lexer's tokens in one linear pass, before the text
 * is composed: composing (and toJS) recurse once per level, and a stack overflow there cannot be
 * caught safely (it may strike inside V8's regular-expression compiler, which aborts the process).
 * The lexer itself is a loop. Block levels follow the columns of `-`, `?` and keys (a sequence may
 * sit at its parent key's column, once); flow levels count `[` and `{`. Returns the position of the
 * first token that opens level `maxDepth + 1`, or undefined when the text stays within `maxDepth`.
 * A flow collection written as a block map's key is counted before its map is known: the measure
 * may be one level short there, never more (yaml-nesting.spec compares it with the real depth).
 */
export function yamlTooDeep(text: string, maxDepth: number): NestingPosition | undefined {
  const scan = new NestingScan(maxDepth);
  for (const token of new Lexer().lex(text)) {
    if (scan.step(token)) return scan.position();
  }
  return undefined;
}

class NestingScan {
  private offset = 0;
  private line = 1;
  private lineStart = 0;
  private block: BlockLevel[] = [];
  private flow: FlowLevel[] = [];
  /** The column where the current line's node began (a key's column once its ':' comes). */
  private nodeColumn: number | null = null;
  private afterScalarMarker = false;
  private tokenStart = 0;
  /** The column of the level opened last (a key's level opens at the key, not at its ':'). */
  private openedAt = 0;

  constructor(private readonly maxDepth: number) {}

  /** Takes one token; true when it opened a level beyond the limit. */
  step(token: string): boolean {
    this.tokenStart = this.offset;
    const tooDeep = this.structure(token);
    this.advance(token);
    return tooDeep;
  }

  position(): NestingPosition {
    return { line: this.line, column: this.openedAt + 1 };
  }

  private structure(token: string): boolean {
    if (this.afterScalarMarker) {
      // A scalar's own text, whatever it looks like.
      this.afterScalarMarker = false;
      this.noteNode();
      return false;
    }
    const type = token === '' ? 'empty' : CST.tokenType(token);
    switch (type) {
      case 'scalar':
        this.afterScalarMarker = true;
        return false;
      case 'doc-start':
      case 'doc-end':
        this.block = [];
        this.flow = [];
        return false;
      case 'flow-error-end':
        this.flow = [];
        return false;
      case 'flow-seq-start':
      case 'flow-map-start':
        this.noteNode();
        this.openedAt = this.column();
        this.flow.push({ kind: type === 'flow-seq-start' ? 'seq' : 'map', pair: false });
        return this.depth() > this.maxDepth;
      case 'flow-seq-end':
      case 'flow-map-end':
        this.flow.pop();
        return false;
      case 'comma':
        if (this.flow.length > 0) this.flow[this.flow.length - 1].pair = false;
        return false;
      case 'seq-item-ind':
        return this.flow.length === 0 && this.open('seq', this.column());
      case 'explicit-key-ind':
      case 'map-value-ind':
        if (this.flow.length > 0) {
          const top = this.flow[this.flow.length - 1];
          if (top.kind === 'map' || top.pair) return false;
          top.pair = true;
          this.openedAt = this.column();
          return this.depth() > this.maxDepth;
        }
        if (type === 'explicit-key-ind') return this.open('map', this.column());
        return this.open('map', this.nodeColumn ?? this.column());
      case 'alias':
      case 'anchor':
      case 'tag':
      case 'single-quoted-scalar':
      case 'double-quoted-scalar':
      case 'block-scalar-header':
        this.noteNode();
        return false;
      default:
        return false;
    }
  }

  /** A block `-` (seq) or key (map) at `column`: closes the deeper levels, then continues or opens one. */
  private open(kind: BlockLevel['kind'], column: number): boolean {
    const closes = (level: BlockLevel) => level.column > column || (kind === 'map' && level.column === column && level.kind === 'seq');
    while (this.block.length > 0 && closes(this.block[this.block.length - 1])) this.block.pop();
    const top = this.block[this.block.length - 1];
    this.nodeColumn = null;
    this.openedAt = column;
    if (top && top.column === column && top.kind === kind) return false;
    this.block.push({ column, kind });
    return this.depth() > this.maxDepth;
  }

  private noteNode(): void {
    if (this.flow.length === 0 && this.nodeColumn === null) this.nodeColumn = this.tokenStart - this.lineStart;
  }

  private column(): number {
    return this.tokenStart - this.lineStart;
  }

  private depth(): number {
    return this.block.length + this.flow.reduce((sum, level) => sum + (level.pair ? 2 : 1), 0);
  }

  /** Moves past the token's text (the lexer's marker tokens are not text of the document). */
  private advance(token: string): void {
    if (token.length === 1 && token < ' ' && token !== '\t' && token !== '\n') return;
    let newline = token.indexOf('\n');
    while (newline >= 0) {
      this.line += 1;
      this.lineStart = this.offset + newline + 1;
      this.nodeColumn = null;
      newline = token.indexOf('\n', newline + 1);
    }
    this.offset += token.length;
  }
}
