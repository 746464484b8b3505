// Finds every `include: component:` pin in a pipeline and in the local files it includes
// (recursively, globs too), with the exact byte offsets of the version reference, its trailing
// comment and the input keys, so an edit can change those bytes and nothing else.
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import { isMap, isScalar, isSeq, type LineCounter, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { DirectorySource, expandVariables, yamlDocuments } from './gitlab.js';

/** How a pin names its version, in GitLab's terms. */
export type RefKind = 'exact' | 'partial' | 'latest' | 'sha' | 'branch' | 'variable';

export interface Span {
  readonly start: number;
  readonly end: number;
}

export interface Pin {
  /** Path relative to the project root, with `/`. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** The include's text as written, e.g. `$CI_SERVER_FQDN/platform/aws/s3-site@1.2.3`. */
  readonly address: string;
  /** As written: `$CI_SERVER_FQDN`, `${CI_SERVER_FQDN}`, `$CI_SERVER_HOST` or a literal host. */
  readonly host: string;
  /** The host with the CI variables replaced. */
  readonly server: string;
  /** The component project's path, e.g. `platform/aws-delivery`. */
  readonly project: string;
  readonly component: string;
  readonly ref: string;
  readonly kind: RefKind;
  /** The reference's bytes in the file (after `@`). */
  readonly refSpan: Span;
  /** A trailing `# ...` comment on the same line, with the version it names (`# v1.2.3`). */
  readonly comment?: Span & { readonly text: string; readonly version?: string };
  /** Where a new trailing comment goes: the end of the scalar. */
  readonly scalarEnd: number;
  /** The include's `inputs:` as values. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Each input key's bytes, for renames. */
  readonly inputKeys: Readonly<Record<string, Span>>;
}

export interface ScannedFile {
  readonly file: string;
  readonly text: string;
  readonly pins: readonly Pin[];
  /** The local files it includes (globs expanded). */
  readonly includes: readonly string[];
}

export interface ScanProblem {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
  readonly fix: string;
}

export interface ScanResult {
  readonly files: readonly ScannedFile[];
  readonly problems: readonly ScanProblem[];
  /** The entry files, as paths relative to the root. */
  readonly entries: readonly string[];
}

/** The entry files whose pipeline reads `file` (directly or through local includes). */
export function entriesReaching(scan: ScanResult, file: string): string[] {
  const byFile = new Map(scan.files.map((f) => [f.file, f]));
  return scan.entries.filter((entry) => {
    const seen = new Set<string>();
    const stack = [entry];
    while (stack.length) {
      const f = stack.pop()!;
      if (f === file) return true;
      if (seen.has(f)) continue;
      seen.add(f);
      stack.push(...(byFile.get(f)?.includes ?? []));
    }
    return false;
  });
}

// GitLab takes a full or abbreviated commit SHA (Gitlab::Ci::Components::InstancePath).
const SHA = /^[0-9a-f]{7,40}$/;
const EXACT = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const PARTIAL = /^(0|[1-9]\d*)(?:\.(0|[1-9]\d*))?$/;
const COMMENT_VERSION = /\bv?((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?)\b/;
const HOST_VARIABLES = /^\$(?:\{)?(CI_SERVER_FQDN|CI_SERVER_HOST)(?:\})?$/;

export function refKind(ref: string): RefKind {
  if (ref === '~latest') return 'latest';
  if (ref.length === 40 && SHA.test(ref)) return 'sha';
  if (EXACT.test(ref)) return 'exact';
  if (PARTIAL.test(ref)) return 'partial';
  if (SHA.test(ref)) return 'sha';
  if (ref.includes('$')) return 'variable';
  return 'branch';
}

/** Splits a component address the way GitLab's InstancePath does: host, project path, name, reference. */
export function parseAddress(
  address: string,
  serverFqdn: string,
): { host: string; server: string; project: string; component: string; ref: string } | undefined {
  const at = address.lastIndexOf('@');
  if (at < 0) return undefined;
  const path = address.slice(0, at);
  const ref = address.slice(at + 1);
  const first = path.indexOf('/');
  const last = path.lastIndexOf('/');
  if (first < 0 || last <= first || !ref) return undefined;
  const host = path.slice(0, first);
  const server = HOST_VARIABLES.test(host) ? (host.includes('HOST') ? serverFqdn.split(':')[0]! : serverFqdn) : host;
  const component = path.slice(last + 1);
  if (!/^[\w-]+$/.test(component)) return undefined;
  return { host, server, project: path.slice(first + 1, last), component, ref };
}

const isYamlFile = (f: string) => /\.ya?ml$/i.test(f);

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  const end = nl < 0 ? text.length : nl;
  return text[end - 1] === '\r' ? end - 1 : end;
}

function trailingComment(text: string, scalarEnd: number): Pin['comment'] {
  const end = lineEnd(text, scalarEnd);
  const rest = text.slice(scalarEnd, end);
  const m = /^(\s+)#(.*)$/.exec(rest);
  if (!m) return undefined;
  const start = scalarEnd + m[1]!.length;
  const body = m[2]!;
  const version = COMMENT_VERSION.exec(body)?.[1];
  return { start, end: scalarEnd + rest.length, text: `#${body}`, version };
}

function scalarValue(node: unknown): string | undefined {
  return isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number')
    ? String(node.value)
    : undefined;
}

/** The bytes of `@<ref>` inside a scalar's source: plain and quoted scalars hold the address as written. */
function refSpanIn(text: string, scalar: Scalar, ref: string): Span | undefined {
  const [start, end] = scalar.range!;
  const src = text.slice(start, end);
  const at = src.lastIndexOf(`@${ref}`);
  if (at < 0) return undefined;
  return { start: start + at + 1, end: start + at + 1 + ref.length };
}

interface Walk {
  readonly root: string;
  readonly serverFqdn: string;
  readonly variables: Readonly<Record<string, string>>;
  readonly source: DirectorySource;
  readonly seen: Set<string>;
  readonly files: ScannedFile[];
  readonly problems: ScanProblem[];
}

function scanFile(walk: Walk, file: string): void {
  if (walk.seen.has(file)) return;
  walk.seen.add(file);
  let text: string;
  try {
    text = readFileSync(resolve(walk.root, file), 'utf8');
  } catch (e) {
    walk.problems.push({
      file,
      message: `cannot read it: ${(e as Error).message}`,
      fix: 'check the path, or the `local:` include that names it',
    });
    return;
  }
  const { documents: list, lines } = yamlDocuments(text);
  const broken = list.find((d) => d.errors.length);
  if (broken) {
    const at = lines.linePos(broken.errors[0]!.pos[0]);
    walk.problems.push({
      file,
      line: at.line,
      message: `is not valid YAML: ${broken.errors[0]!.message.split('\n')[0]}`,
      fix: 'fix the YAML (`catalog lint` shows where); its pins were not read',
    });
    return;
  }
  const pins: Pin[] = [];
  const locals: string[] = [];
  for (const doc of list) {
    if (!isMap(doc.contents)) continue;
    const include = doc.contents.get('include', true) as Node | undefined;
    if (!include) continue;
    const entries = isSeq(include) ? include.items : [include];
    for (const entry of entries) {
      const str = scalarValue(entry);
      if (str !== undefined) {
        if (!/^https?:\/\//.test(str)) locals.push(str);
        continue;
      }
      if (!isMap(entry)) continue;
      const local = scalarValue(entry.get('local', true));
      if (local !== undefined) locals.push(local);
      const compNode = entry.get('component', true);
      const address = scalarValue(compNode);
      if (address === undefined) continue;
      const pin = readPin(walk, file, text, lines, entry, compNode as Scalar, address);
      if (pin) pins.push(pin);
    }
  }
  const includes: string[] = [];
  for (const l of locals) {
    const location = expandVariables(l, walk.variables).replace(/^\/+/, '');
    if (/[*?[{]/.test(location)) {
      const match = picomatch(location, { dot: true });
      for (const f of walk.source.list()) if (match(f) && isYamlFile(f)) includes.push(f);
    } else if (isYamlFile(location) && !location.includes('$') && !location.split('/').includes('..'))
      includes.push(location);
  }
  walk.files.push({ file, text, pins, includes });
  for (const f of includes) scanFile(walk, f);
}

function readPin(
  walk: Walk,
  file: string,
  text: string,
  lines: LineCounter,
  entry: YAMLMap,
  scalar: Scalar,
  address: string,
): Pin | undefined {
  const at = lines.linePos(scalar.range![0]);
  const parts = parseAddress(address, walk.serverFqdn);
  if (!parts) {
    walk.problems.push({
      file,
      line: at.line,
      message: `component \`${address}\` is not an address GitLab accepts`,
      fix: 'write it as <host>/<project path>/<component>@<version>',
    });
    return undefined;
  }
  const refSpan = refSpanIn(text, scalar, parts.ref);
  if (!refSpan) {
    walk.problems.push({
      file,
      line: at.line,
      message: `component \`${address}\`: the reference is written with escapes, so it cannot be edited in place`,
      fix: 'write the address as a plain or simply quoted string',
    });
    return undefined;
  }
  const scalarEnd = scalar.range![1];
  const inputs: Record<string, unknown> = {};
  const inputKeys: Record<string, Span> = {};
  const inputsNode = entry.get('inputs', true);
  if (isMap(inputsNode)) {
    for (const pair of inputsNode.items as Pair[]) {
      const key = scalarValue(pair.key);
      if (key === undefined) continue;
      const v = pair.value as Node | null;
      inputs[key] = v && 'toJSON' in v ? (v as Node & { toJSON(): unknown }).toJSON() : v;
      inputKeys[key] = { start: (pair.key as Scalar).range![0], end: (pair.key as Scalar).range![1] };
    }
  }
  return {
    file,
    line: at.line,
    column: at.col,
    address,
    ...parts,
    kind: refKind(parts.ref),
    refSpan,
    comment: trailingComment(text, scalarEnd),
    scalarEnd,
    inputs,
    inputKeys,
  };
}

export interface ScanOptions {
  /** The project root; local includes are relative to it. */
  readonly root: string;
  /** `$CI_SERVER_FQDN` for pins written with the variable. */
  readonly serverFqdn: string;
  readonly variables?: Readonly<Record<string, string>>;
}

/** Every pin reachable from the given pipeline files (default `.gitlab-ci.yml`). */
export function scanPins(entryFiles: readonly string[], options: ScanOptions): ScanResult {
  const root = resolve(options.root);
  const walk: Walk = {
    root,
    serverFqdn: options.serverFqdn,
    variables: {
      CI_SERVER_FQDN: options.serverFqdn,
      CI_SERVER_HOST: options.serverFqdn.split(':')[0]!,
      ...options.variables,
    },
    source: new DirectorySource(root, 'worktree'),
    seen: new Set(),
    files: [],
    problems: [],
  };
  const entries = (entryFiles.length ? entryFiles : ['.gitlab-ci.yml']).map((f) =>
    relative(root, resolve(root, f)).split('\\').join('/'),
  );
  for (const f of entries) scanFile(walk, f);
  return { files: walk.files, problems: walk.problems, entries };
}
