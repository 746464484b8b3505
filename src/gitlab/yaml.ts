// Reads a CI file the way GitLab loads it: multi-document YAML with the `!reference` tag,
// `<<` merge keys and aliases, a header document (`spec:`) when the file has one, and limits
// that keep a hostile file (binary, huge, an alias bomb) from hanging or crashing us.
import { failed, ok, problem, ProblemsError, type Outcome, type Problem } from '../internal/problem.js';
import {
  type Alias,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
} from 'yaml';

/** GitLab's MAX_YAML_SIZE for a CI configuration file (Gitlab::Config::Loader::Yaml). */
export const MAX_FILE_BYTES = 1024 * 1024;
/** GitLab's MAX_YAML_DEPTH (Gitlab::Utils::DeepSize), counted after expanding aliases. */
export const MAX_DEPTH = 100;
/**
 * The budget for nodes after expanding aliases. GitLab loads aliases as shared objects (Psych) and
 * then measures the expanded tree (Gitlab::Utils::DeepSize, 1 MB of Ruby objects): an alias bomb is
 * refused without being built. We count nodes instead of Ruby bytes, which is more lenient.
 */
export const MAX_NODES = 500_000;

/** A `!reference [job, key]` tag, resolved after merging (see merge.ts). */
export class ReferenceTag {
  constructor(
    readonly path: readonly unknown[],
    readonly line?: number,
    readonly column?: number,
  ) {}
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

const yamlProblem = (file: string, message: string, fix: string, line?: number, column?: number): Problem =>
  problem('yaml', message, { file, fix, ...(line ? { line, column } : {}) });

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

export function decodeText(file: string, bytes: Uint8Array): Outcome<string> {
  if (bytes.byteLength > MAX_FILE_BYTES) {
    const message = `file is ${bytes.byteLength} bytes, over GitLab's 1 MB limit for a CI configuration file`;
    return failed(yamlProblem(file, message, 'split it into smaller files joined with `include:`'));
  }
  if (isBinary(bytes))
    return failed(yamlProblem(file, 'is not a text file (binary content or invalid UTF-8)', 'lint only YAML files'));
  return ok(new TextDecoder('utf-8').decode(bytes));
}

interface Measure {
  readonly size: number;
  readonly depth: number;
}
const LEAF: Measure = { size: 1, depth: 1 };

/**
 * Turns a YAML document into plain values in one pass over the text. An anchored node is converted
 * once and every alias to it shares that value, as Psych does, so the work is linear in the size of
 * the file; the size and depth the value has once expanded are kept beside it and checked against
 * the limits, so an alias or merge-key bomb is refused before anything walks it.
 */
class Converter {
  private readonly anchors = new Map<string, unknown>();
  private readonly pending = new Set<string>();
  private readonly measures = new WeakMap<object, Measure>();
  constructor(
    private readonly lines: LineCounter,
    private readonly file: string,
  ) {}

  pos(node: { range?: [number, number, number] | null } | null | undefined): Position | undefined {
    if (!node?.range) return undefined;
    const p = this.lines.linePos(node.range[0]);
    return { line: p.line, column: p.col };
  }

  /** Stops the conversion; parseCi turns this into its outcome. */
  private refuse(node: unknown, message: string, fix: string): never {
    const p = this.pos(node as Node);
    throw new ProblemsError([yamlProblem(this.file, message, fix, p?.line, p?.column)]);
  }

  private measure(value: unknown): Measure {
    return value !== null && typeof value === 'object' ? (this.measures.get(value) ?? LEAF) : LEAF;
  }

  /** Records the expanded size and depth of a new composite value, refusing one over the limits. */
  private made<T extends object>(node: unknown, value: T, children: Iterable<unknown>, depth: number): T {
    let size = 1;
    let deepest = 0;
    for (const child of children) {
      const m = this.measure(child);
      size += m.size;
      deepest = Math.max(deepest, m.depth);
    }
    if (size > MAX_NODES) {
      this.refuse(
        node,
        `config too large: more than ${MAX_NODES} YAML nodes after expanding aliases`,
        'remove the alias expansion that multiplies the document',
      );
    }
    if (depth + deepest > MAX_DEPTH)
      this.refuse(
        node,
        `the YAML is nested more than ${MAX_DEPTH} levels deep`,
        'flatten the nesting, or the aliases that nest it',
      );
    this.measures.set(value, { size, depth: deepest + 1 });
    return value;
  }

  /** The document's value. */
  convert(node: unknown): unknown {
    return this.node(node, 0);
  }

  private node(node: unknown, depth: number): unknown {
    if (depth > MAX_DEPTH)
      this.refuse(node, `the YAML is nested more than ${MAX_DEPTH} levels deep`, 'flatten the nesting');
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (!anchor) return this.build(node, depth);
    this.pending.add(anchor);
    const value = this.build(node, depth);
    this.pending.delete(anchor);
    this.anchors.set(anchor, value);
    return value;
  }

  private build(node: unknown, depth: number): unknown {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const name = (node as Alias).source;
      if (this.pending.has(name))
        this.refuse(
          node,
          `the alias *${name} is inside the node it refers to, so it never ends`,
          'remove the recursive alias',
        );
      const value = this.anchors.get(name) ?? null;
      if (depth + this.measure(value).depth > MAX_DEPTH + 1)
        this.refuse(node, `the YAML is nested more than ${MAX_DEPTH} levels deep`, 'flatten the aliases that nest it');
      return value;
    }
    if (isScalar(node)) {
      const v = node.value;
      // Psych turns keys and values into plain Ruby objects; dates stay text for our purposes.
      if (v instanceof Date) return node.source ?? v.toISOString();
      return v === undefined ? null : v;
    }
    if (isSeq(node)) {
      const items = node.items.map((i) => this.node(i, depth + 1));
      if (node.tag === '!reference') {
        const p = this.pos(node);
        return this.made(node, new ReferenceTag(items, p?.line, p?.column), items, depth);
      }
      return this.made(node, items, items, depth);
    }
    if (isMap(node)) {
      const out: Record<string, unknown> = {};
      const merged: Record<string, unknown>[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const keyNode = pair.key as Node | null;
        if (isScalar(keyNode) && keyNode.value === '<<' && keyNode.type === 'PLAIN') {
          const v = this.node(pair.value, depth + 1);
          for (const m of Array.isArray(v) ? v : [v])
            if (m && typeof m === 'object' && !Array.isArray(m)) merged.push(m as Record<string, unknown>);
          continue;
        }
        const key = this.node(keyNode, depth + 1);
        out[keyToString(key)] = this.node(pair.value, depth + 1);
      }
      if (merged.length === 0) return this.made(node, out, Object.values(out), depth);
      // Explicit keys win over merged ones; earlier merge sources win over later ones. The result
      // is measured by its own entries: merging the same map many times does not grow it.
      const base: Record<string, unknown> = {};
      for (const m of [...merged].reverse()) Object.assign(base, m);
      const result = Object.assign(base, out);
      return this.made(node, result, Object.values(result), depth);
    }
    return null;
  }
}

function keyToString(key: unknown): string {
  if (key === null || key === undefined) return '';
  if (typeof key === 'object') return JSON.stringify(key);
  return String(key);
}

/** Where each key of a mapping node starts (1-based). */
function keyPositions(map: unknown, conv: Converter): Map<string, Position> {
  const out = new Map<string, Position>();
  if (!isMap(map)) return out;
  for (const pair of map.items) {
    if (!isPair(pair) || !isScalar(pair.key)) continue;
    const p = conv.pos(pair.key as Node);
    if (p) out.set(String(pair.key.value), p);
  }
  return out;
}

const topLevelPositions = (doc: Document, conv: Converter) => keyPositions(doc.contents, conv);
const inputPositions = (doc: Document, conv: Converter) => keyPositions(doc.getIn(['spec', 'inputs'], true), conv);

function hasHeader(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value) && 'spec' in value;
}

/**
 * Loads a CI file the way GitLab does: multi-document YAML with a header document when the first
 * one has `spec:`. Returns the file, or the `yaml` problem with its line and column.
 */
export function parseCi(file: string, input: string | Uint8Array): Outcome<ParsedFile> {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    const decoded = decodeText(file, input);
    if (!decoded.ok) return decoded;
    text = decoded.value;
  }
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    uniqueKeys: false,
    merge: false,
    strict: false,
    prettyErrors: false,
  }) as unknown;
  if (!Array.isArray(docs)) {
    // An empty stream.
    return ok({ file, content: null, positions: new Map(), headerPositions: new Map() });
  }
  for (const doc of docs as Document[]) {
    const err = doc.errors[0];
    if (err) {
      const at = lines.linePos(err.pos[0]);
      const message = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      return failed(
        yamlProblem(
          file,
          `YAML syntax error at line ${at.line} column ${at.col}: ${message}`,
          'fix the YAML syntax at that position',
          at.line,
          at.col,
        ),
      );
    }
    const unknownTag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED' && !w.message.includes('!reference'));
    if (unknownTag) {
      const at = lines.linePos(unknownTag.pos[0]);
      const message = `YAML syntax error at line ${at.line} column ${at.col}: ${unknownTag.message.split('\n')[0]}`;
      return failed(yamlProblem(file, message, 'GitLab only knows the `!reference` tag', at.line, at.col));
    }
  }
  const documents = docs as Document[];
  const convs = documents.map(() => new Converter(lines, file));
  try {
    const first = documents[0] ? convs[0]!.convert(documents[0].contents) : null;
    if (documents.length > 1 && hasHeader(first)) {
      const content = convs[1]!.convert(documents[1]!.contents);
      const positions = topLevelPositions(documents[1]!, convs[1]!);
      return ok({ file, header: first, content, positions, headerPositions: inputPositions(documents[0]!, convs[0]!) });
    }
    const positions = documents[0] ? topLevelPositions(documents[0], convs[0]!) : new Map<string, Position>();
    return ok({ file, content: first, positions, headerPositions: new Map() });
  } catch (e) {
    if (e instanceof ProblemsError) return failed(...e.problems);
    throw e;
  }
}

/**
 * Loads a CI file the tool itself wrote or owns (a template, catalog.yml, an expanded pipeline),
 * header and content; a broken one stops the command (ProblemsError).
 */
export function loadCi(file: string, text: string): ParsedFile {
  const parsed = parseCi(file, text);
  if (!parsed.ok) throw new ProblemsError(parsed.problems);
  return parsed.value;
}

/** The content of a YAML file the tool itself wrote or owns; a broken one stops the command. */
export function loadYaml(file: string, text: string): unknown {
  return loadCi(file, text).content;
}
