// Reads a CI file the way GitLab loads it: multi-document YAML with the `!reference` tag,
// `<<` merge keys and aliases, a header document (`spec:`) when the file has one, and limits
// that keep a hostile file (binary, huge, an alias bomb) from hanging or crashing us.
import { Alias, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';

export const MAX_FILE_BYTES = 1024 * 1024;
/** GitLab's Interpolation::Config::MAX_NODES, reused as the alias-expansion budget. */
export const MAX_NODES = 500_000;

/** A `!reference [job, key]` tag, resolved after merging (see merge.ts). */
export class ReferenceTag {
  constructor(readonly path: readonly unknown[], readonly line?: number, readonly column?: number) {}
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

export interface ParsedFile {
  readonly file: string;
  /** The `spec:` header document, when the file has one. */
  readonly header?: Record<string, unknown>;
  readonly content: unknown;
  /** Where each top-level key of the content document starts (1-based). */
  readonly positions: ReadonlyMap<string, Position>;
  /** Where the header's inputs are declared, for messages about a default. */
  readonly headerPositions: ReadonlyMap<string, Position>;
}

export class ParseError extends Error {
  constructor(message: string, readonly file: string, readonly line?: number, readonly column?: number, readonly fix?: string) {
    super(message);
  }
}

/** True when the bytes are not UTF-8 text: a NUL byte or an invalid sequence. */
export function isBinary(bytes: Uint8Array): boolean {
  if (bytes.includes(0)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return false;
  } catch {
    return true;
  }
}

export function decodeText(file: string, bytes: Uint8Array): string {
  if (bytes.byteLength > MAX_FILE_BYTES) {
    throw new ParseError(`file is ${bytes.byteLength} bytes, over GitLab's 1 MB limit for a CI configuration file`, file, undefined, undefined, 'split it into smaller files joined with `include:`');
  }
  if (isBinary(bytes)) throw new ParseError('is not a text file (binary content or invalid UTF-8)', file, undefined, undefined, 'lint only YAML files');
  return new TextDecoder('utf-8').decode(bytes);
}

class Converter {
  private nodes = 0;
  constructor(private readonly doc: Document, private readonly lines: LineCounter, private readonly file: string) {}

  pos(node: { range?: [number, number, number] | null } | null | undefined): Position | undefined {
    if (!node?.range) return undefined;
    const p = this.lines.linePos(node.range[0]);
    return { line: p.line, column: p.col };
  }

  toJs(node: unknown, depth = 0, aliasDepth = 0): unknown {
    if (++this.nodes > MAX_NODES) {
      const p = this.pos(node as Node);
      throw new ParseError(`config too large: more than ${MAX_NODES} YAML nodes after expanding aliases`, this.file, p?.line, p?.column, 'remove the alias expansion that multiplies the document');
    }
    if (depth > 100) {
      const p = this.pos(node as Node);
      throw new ParseError('the YAML is nested more than 100 levels deep', this.file, p?.line, p?.column);
    }
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = (node as Alias).resolve(this.doc);
      if (!target) return null;
      return this.toJs(target, depth + 1, aliasDepth + 1);
    }
    if (isScalar(node)) {
      const v = node.value;
      // Psych turns keys and values into plain Ruby objects; dates stay text for our purposes.
      if (v instanceof Date) return node.source ?? v.toISOString();
      return v === undefined ? null : v;
    }
    if (isSeq(node)) {
      const items = node.items.map((i) => this.toJs(i, depth + 1, aliasDepth));
      if (node.tag === '!reference') {
        const p = this.pos(node);
        return new ReferenceTag(items, p?.line, p?.column);
      }
      return items;
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const merged: Record<string, unknown>[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        if (isScalar(keyNode) && keyNode.value === '<<' && keyNode.type === 'PLAIN') {
          const v = this.toJs(pair.value, depth + 1, aliasDepth);
          for (const m of Array.isArray(v) ? v : [v]) if (m && typeof m === 'object' && !Array.isArray(m)) merged.push(m as Record<string, unknown>);
          continue;
        }
        const key = this.toJs(keyNode, depth + 1, aliasDepth);
        out[keyToString(key)] = this.toJs(pair.value, depth + 1, aliasDepth);
      }
      if (merged.length === 0) return out;
      // Explicit keys win over merged ones; earlier merge sources win over later ones.
      const base: Record<string, unknown> = {};
      for (const m of [...merged].reverse()) Object.assign(base, m);
      return Object.assign(base, out);
    }
    return null;
  }
}

function keyToString(key: unknown): string {
  if (key === null || key === undefined) return '';
  if (typeof key === 'object') return JSON.stringify(key);
  return String(key);
}

function topLevelPositions(doc: Document, conv: Converter): Map<string, Position> {
  const out = new Map<string, Position>();
  const root = doc.contents;
  if (isMap(root)) {
    for (const pair of root.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const p = conv.pos(pair.key as Node);
      if (p) out.set(String(pair.key.value), p);
    }
  }
  return out;
}

function inputPositions(doc: Document, conv: Converter): Map<string, Position> {
  const out = new Map<string, Position>();
  const inputs = doc.getIn(['spec', 'inputs'], true);
  if (isMap(inputs)) {
    for (const pair of inputs.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const p = conv.pos(pair.key as Node);
      if (p) out.set(String(pair.key.value), p);
    }
  }
  return out;
}

function hasHeader(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value) && 'spec' in value;
}

/** Parses YAML text; throws ParseError with file, line and column. */
export function parseCiText(file: string, text: string): ParsedFile {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: false, merge: false, strict: false, prettyErrors: false }) as unknown;
  if (!Array.isArray(docs)) {
    // An empty stream.
    return { file, content: null, positions: new Map(), headerPositions: new Map() };
  }
  for (const doc of docs as Document[]) {
    const err = doc.errors[0];
    if (err) {
      const at = lines.linePos(err.pos[0]);
      const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new ParseError(`YAML syntax error at line ${at.line} column ${at.col}: ${message}`, file, at.line, at.col, 'fix the YAML syntax at that position');
    }
    const unknownTag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED' && !w.message.includes('!reference'));
    if (unknownTag) {
      const at = lines.linePos(unknownTag.pos[0]);
      throw new ParseError(`YAML syntax error at line ${at.line} column ${at.col}: ${unknownTag.message.split('\n')[0]}`, file, at.line, at.col, 'GitLab only knows the `!reference` tag');
    }
  }
  const documents = docs as Document[];
  const convs = documents.map((d) => new Converter(d, lines, file));
  const first = documents[0] ? convs[0]!.toJs(documents[0].contents) : null;
  if (documents.length > 1 && hasHeader(first)) {
    const content = convs[1]!.toJs(documents[1]!.contents);
    return { file, header: first, content, positions: topLevelPositions(documents[1]!, convs[1]!), headerPositions: inputPositions(documents[0]!, convs[0]!) };
  }
  return { file, content: first, positions: documents[0] ? topLevelPositions(documents[0], convs[0]!) : new Map(), headerPositions: new Map() };
}

export function parseCiBytes(file: string, bytes: Uint8Array): ParsedFile {
  return parseCiText(file, decodeText(file, bytes));
}
