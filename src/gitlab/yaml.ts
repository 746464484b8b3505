// Reads a CI file the way GitLab loads it: multi-document YAML with the `!reference` tag,
// `<<` merge keys and aliases, a header document (`spec:`) when the file has one, and limits
// that keep a hostile file (binary, huge, an alias bomb) from hanging or crashing us.
//
// Two well-kept readers, one behaviour: js-yaml reads a well-formed file within the limits (about
// ten times faster than `yaml` on a large pipeline: `npm run bench -- lint-aliases`); anything
// else (a syntax error, an unknown tag, an alias or merge-key bomb, a value near the limits) is
// read again by `yaml`, whose syntax tree gives GitLab-like messages with lines and columns.
import jsyaml from 'js-yaml';
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

// ── The fast reader (js-yaml) ──

/**
 * Where each node js-yaml has open starts, innermost last: its offset, its line's offset, its line
 * and column (1-based), as numbers in reused arrays (the listener runs twice per node: no garbage).
 */
const opening = {
  depth: 0,
  offset: [] as number[],
  lineStart: [] as number[],
  line: [] as number[],
  column: [] as number[],
  text: '',
};

/**
 * The `yaml` library's core schema (YAML 1.2), which the slow reader uses, rebuilt for js-yaml so
 * both read every scalar the same way: js-yaml's null and bool match it; its int also reads `0b`
 * and signed hex or octal, and its float differs on `-.5`, so those two follow `yaml` exactly.
 */
const coreInt = new jsyaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (s: string | null) => s !== null && /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/.test(s),
  construct: (s: string) =>
    s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10),
});
const coreFloat = new jsyaml.Type('tag:yaml.org,2002:float', {
  kind: 'scalar',
  resolve: (s: string | null) =>
    s !== null &&
    (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(s) ||
      /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)),
  construct: (s: string) => {
    if (/nan$/i.test(s)) return Number.NaN;
    if (/inf$/i.test(s)) return s.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
    return parseFloat(s);
  },
});
const referenceType = new jsyaml.Type('!reference', {
  kind: 'sequence',
  construct: (items: unknown[] | null) => {
    // The node opens at its tag; its position is where the sequence itself starts, as `yaml` says.
    const at = opening.depth - 1;
    if (at < 0) return new ReferenceTag(items ?? []);
    const from = opening.offset[at]!;
    const start = /^!reference[ \t]*/.exec(opening.text.slice(from, from + 40))?.[0].length ?? 0;
    return new ReferenceTag(items ?? [], opening.line[at], opening.column[at]! + start);
  },
});
// js-yaml exports its types; @types/js-yaml does not declare them.
const {
  null: nullType,
  bool: boolType,
  merge: mergeType,
} = (jsyaml as unknown as { types: Record<string, jsyaml.Type> }).types as Record<
  'null' | 'bool' | 'merge',
  jsyaml.Type
>;
const SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, coreInt, coreFloat, mergeType],
  explicit: [referenceType],
});

/** Expanded size and depth of a read value, each shared (aliased) value measured once. */
function withinLimits(root: unknown): boolean {
  const seen = new Map<object, Measure>();
  const open = new Set<object>();
  // An alias inside the node it names makes a cycle (js-yaml builds it; GitLab refuses it).
  const CYCLE: Measure = { size: Number.POSITIVE_INFINITY, depth: Number.POSITIVE_INFINITY };
  const measure = (v: unknown): Measure => {
    if (v === null || typeof v !== 'object') return LEAF;
    const known = seen.get(v);
    if (known) return known;
    if (open.has(v)) return CYCLE;
    open.add(v);
    const children = v instanceof ReferenceTag ? v.path : Array.isArray(v) ? v : Object.values(v);
    let size = 1;
    let deepest = 0;
    for (const c of children) {
      const m = measure(c);
      size += m.size;
      deepest = Math.max(deepest, m.depth);
      if (size > MAX_NODES || deepest >= MAX_DEPTH) break;
    }
    open.delete(v);
    const m = { size, depth: deepest + 1 };
    seen.set(v, m);
    return m;
  };
  const m = measure(root);
  // Near the limits the slow reader decides, with the line where the document crosses them.
  return m.size <= MAX_NODES && m.depth < MAX_DEPTH;
}

/**
 * The file read by js-yaml, or undefined when the slow reader must decide (an error, or a value
 * over or near the limits). Positions come from js-yaml's node events: a top-level key is a node
 * that opens at column 1 inside the document's root mapping.
 */
export function readFast(file: string, input: string): ParsedFile | undefined {
  // js-yaml drops a byte order mark before it counts offsets; `yaml` counts it as a column of line 1.
  const bom = input.charCodeAt(0) === 0xfeff ? 1 : 0;
  const text = bom ? input.slice(1) : input;
  const docs: unknown[] = [];
  const keyPositions: Array<Map<string, Position>> = [new Map()];
  const ends: number[] = [];
  opening.depth = 0;
  opening.text = text;
  const listener = (event: 'open' | 'close', state: jsyaml.State) => {
    if (event === 'open') {
      const d = opening.depth++;
      opening.offset[d] = state.position;
      opening.lineStart[d] = state.lineStart;
      opening.line[d] = state.line + 1;
      opening.column[d] = state.position - state.lineStart + 1 + (state.line === 0 ? bom : 0);
      return;
    }
    const d = --opening.depth;
    if (d === 0) {
      ends.push(state.position);
      keyPositions.push(new Map());
    } else if (d === 1 && opening.offset[1] === opening.lineStart[1] && text.charCodeAt(opening.offset[1]!) !== 0x2d) {
      // A node at the start of a line in the root mapping is one of its keys (a block sequence
      // there, `- ...`, is a value).
      const key = state.result;
      if (key === null || typeof key !== 'object')
        keyPositions[ends.length]!.set(String(key), { line: opening.line[1]!, column: opening.column[1]! });
    }
  };
  try {
    // js-yaml stops at 100 levels of nesting and at its merge-work budget (sized to our node limit):
    // either sends the file to the slow reader, which decides.
    const options = { schema: SCHEMA, json: true, filename: file, listener, maxTotalMergeKeys: MAX_NODES };
    jsyaml.loadAll(text, (d) => docs.push(d), options as jsyaml.LoadOptions);
  } catch {
    return undefined;
  } finally {
    opening.depth = 0;
    opening.text = '';
  }
  if (!docs.every(withinLimits)) return undefined;
  const first = docs[0] ?? null;
  if (docs.length > 1 && hasHeader(first)) {
    // The header's input positions come from the slow reader's syntax tree, built only when a message about an
    // input asks (a one-shot lint of a pipeline with components would spend more on it than on the rest).
    const header = text.slice(0, ends[0]);
    let headerPositions: ReadonlyMap<string, Position> | undefined;
    return {
      file,
      header: first,
      content: docs[1],
      positions: keyPositions[1]!,
      get headerPositions() {
        if (!headerPositions) {
          const { documents, lines } = yamlDocuments(header);
          headerPositions = documents[0] ? inputPositions(documents[0], new Converter(lines, file)) : new Map();
        }
        return headerPositions;
      },
    };
  }
  return { file, content: first, positions: keyPositions[0]!, headerPositions: new Map() };
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
  const fast = readFast(file, text);
  if (fast) return ok(fast);
  return readSlow(file, text);
}

/**
 * The `yaml` library's syntax trees of a text's documents, read as GitLab reads YAML (a key may
 * repeat, the last wins; `<<` is kept as written for the converter to merge), with their errors
 * and a line counter: for code that needs where each node is (messages, editing a pin in place).
 */
export function yamlDocuments(text: string): { readonly documents: Document[]; readonly lines: LineCounter } {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    uniqueKeys: false,
    merge: false,
    strict: false,
    prettyErrors: false,
  }) as unknown;
  // An empty stream has no documents.
  return { documents: Array.isArray(docs) ? (docs as Document[]) : [], lines };
}

/** The `yaml` library's syntax tree, converted in one pass: exact messages, lines and columns. */
export function readSlow(file: string, text: string): Outcome<ParsedFile> {
  const { documents: docs, lines } = yamlDocuments(text);
  if (!docs.length) return ok({ file, content: null, positions: new Map(), headerPositions: new Map() });
  for (const doc of docs) {
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
  const documents = docs;
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

/**
 * The value of a YAML text that is not a pipeline (catalog.yml, a configuration file, a value given
 * on the command line), read as GitLab reads YAML; or the `yaml` problem, with its line and column.
 */
export function readYaml(file: string, text: string): Outcome<unknown> {
  const parsed = parseCi(file, text);
  return parsed.ok ? ok(parsed.value.content) : parsed;
}
