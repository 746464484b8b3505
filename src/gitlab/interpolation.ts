// GitLab's `$[[ ... ]]` interpolation, applied to a parsed content document, with GitLab's
// semantics and texts (lib/gitlab/ci/config/interpolation/{template,block,access,config,
// functions_stack,functions/*}.rb):
// - a node that is exactly one block keeps the value's type; otherwise every block becomes text;
// - keys are interpolated too; `$[[ matrix.* ]]` is left for parallel:matrix;
// - evaluation stops at the first invalid block, and its errors are what GitLab reports;
// - function errors read "error in `<fn>` function: <message>".

import { problem, ProblemsError } from '../internal/problem.js';

export interface InterpolationContext {
  readonly inputs: Readonly<Record<string, unknown>>;
  /** `$[[ component.* ]]` values; only the fields declared in `spec:component` are set. */
  readonly component?: Readonly<Record<string, unknown>>;
  /** CI variables `expand_vars` may expand. */
  readonly variables?: Readonly<Record<string, string>>;
  /** Names of masked variables, which `expand_vars` refuses to expand. */
  readonly maskedVariables?: ReadonlySet<string>;
}

/** GitLab reports the first three errors of a failed interpolation, joined with ", ". */
const stopWith = (errors: readonly string[]) => {
  const message = errors.slice(0, 3).join(', ');
  return new ProblemsError([problem('interpolation', message)], message);
};

const BLOCK = /\$\[\[\s*(\S.*?\S)\s*\]\]/g;
const BLOCK_PREFIX = '$[[';
export const MAX_FUNCTIONS = 3;
export const MAX_ACCESS_BYTES = 1024;
export const MAX_ACCESS_OBJECTS = 5;
export const MAX_BLOCKS = 10_000;
export const MAX_NODES = 500_000;
export const MAX_NODE_BYTES = 1024 * 1024;
/** Our own guard: embedded blocks can multiply a large value into every node that uses it. */
export const MAX_OUTPUT_CHARS = 32 * 1024 * 1024;
const SKIP_CONTEXTS = new Set(['matrix']);

/** Ruby's `to_s`, which GitLab uses when a block is part of a larger string. */
function rubyToS(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return rubyInspect(v);
}

function rubyInspect(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(rubyInspect).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as object)
      .map(([k, x]) => `"${k}" => ${rubyInspect(x)}`)
      .join(', ')}}`;
  }
  return String(v);
}

type Result = { ok: true; value: unknown } | { ok: false; errors: string[] };
const fail = (...errors: string[]): Result => ({ ok: false, errors });

function lookup(ctx: InterpolationContext): Record<string, unknown> {
  const root: Record<string, unknown> = { inputs: ctx.inputs };
  if (ctx.component) root.component = ctx.component;
  return root;
}

/** Access path: `inputs.a`, `inputs.list[0].host`, `component.name`. */
function access(path: string, ctx: InterpolationContext): Result {
  const errors: string[] = [];
  // Ruby's split('.', 5): the fifth object keeps any further dots.
  const parts = path.split('.');
  const objects =
    parts.length > MAX_ACCESS_OBJECTS
      ? [...parts.slice(0, MAX_ACCESS_OBJECTS - 1), parts.slice(MAX_ACCESS_OBJECTS - 1).join('.')]
      : parts;
  if (objects.length <= 1) errors.push('invalid interpolation access pattern');
  if (Buffer.byteLength(path) > MAX_ACCESS_BYTES) errors.push('maximum interpolation expression size exceeded');
  if (errors.length) return { ok: false, errors };
  let value: unknown = lookup(ctx);
  for (const object of objects) {
    const m = /^([^[\]]+)((?:\[\d+\])*)$/.exec(object);
    const key = m ? m[1]! : object;
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) {
      return fail(`unknown interpolation key: \`${key}\``);
    }
    value = (value as Record<string, unknown>)[key];
    const indices = m ? [...(m[2] ?? '').matchAll(/\[(\d+)\]/g)].map((x) => Number(x[1])) : [];
    if (indices.length > 5) return fail('too many array indices in interpolation access path');
    for (const i of indices) {
      if (!Array.isArray(value)) return fail(`cannot index \`${key}\`: it is not an array`);
      if (i >= value.length) return fail(`index ${i} is out of bounds for \`${key}\``);
      value = value[i];
    }
  }
  return { ok: true, value };
}

interface Fn {
  readonly name: string;
  readonly pattern: RegExp;
  run(value: unknown, m: RegExpExecArray, ctx: InterpolationContext): Result;
}

const fnError = (name: string, message: string): Result => fail(`error in \`${name}\` function: ${message}`);
const notString = (name: string): Result =>
  fnError(name, `invalid input type: ${name} can only be used with string inputs`);

// Ruby's Shellwords.shellescape.
function shellescape(s: string): string {
  if (s === '') return "''";
  return s.replace(/([^A-Za-z0-9_\-.,:+/@\n])/g, '\\$1').replace(/\n/g, "'\n'");
}

// GitLab's ExpandVariables.expand_existing: $VAR, ${VAR} and %VAR%; unknown ones stay as written.
function expandExisting(s: string, ctx: InterpolationContext): Result {
  const vars = ctx.variables ?? {};
  let masked: string | undefined;
  const out = s.replace(
    /\$([a-zA-Z_][a-zA-Z0-9_]*)|\$\{([a-zA-Z_][a-zA-Z0-9_]*)\}|%([a-zA-Z_][a-zA-Z0-9_]*)%/g,
    (all, a, b, c) => {
      const name = (a ?? b ?? c) as string;
      if (!Object.hasOwn(vars, name)) return all;
      if (ctx.maskedVariables?.has(name)) masked = name;
      return vars[name]!;
    },
  );
  if (masked) return fnError('expand_vars', 'variable expansion error: masked variables cannot be expanded');
  return { ok: true, value: out };
}

const FUNCTIONS: readonly Fn[] = [
  {
    name: 'truncate',
    pattern: /^truncate\(\s*(\d+)\s*,\s*(\d+)\s*\)?$/,
    run(value, m) {
      if (typeof value !== 'string') return notString('truncate');
      const chars = [...value];
      const offset = Number(m[1]);
      // Ruby's str[offset, length] is nil past the end; `.to_s` makes that ''.
      return { ok: true, value: offset > chars.length ? '' : chars.slice(offset, offset + Number(m[2])).join('') };
    },
  },
  {
    name: 'expand_vars',
    pattern: /^expand_vars$/,
    run(value, _m, ctx) {
      if (typeof value !== 'string') return notString('expand_vars');
      return expandExisting(value, ctx);
    },
  },
  {
    name: 'posix_escape',
    pattern: /^posix_escape$/,
    run(value) {
      if (typeof value !== 'string') return notString('posix_escape');
      return { ok: true, value: shellescape(value) };
    },
  },
  {
    name: 'split',
    pattern: /^split\('([^']*)'\)$/,
    run(value, m) {
      if (typeof value !== 'string') return notString('split');
      if (m[1] === '') return fnError('split', 'invalid argument: separator cannot be empty');
      return {
        ok: true,
        value: value
          .split(m[1]!)
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      };
    },
  },
];

function runFunctions(expressions: readonly string[], value: unknown, ctx: InterpolationContext): Result {
  const stack: Array<[Fn, RegExpExecArray]> = [];
  const errors: string[] = [];
  for (const expr of expressions) {
    const fn = FUNCTIONS.map((f) => [f, f.pattern.exec(expr)] as const).find(([, m]) => m);
    if (!fn)
      errors.push(`no function matching \`${expr}\`: check that the function name, arguments, and types are correct`);
    else stack.push([fn[0], fn[1]!]);
  }
  if (errors.length) return { ok: false, errors };
  const splitAt = stack.findIndex(([f]) => f.name === 'split');
  if (splitAt >= 0 && splitAt !== stack.length - 1)
    return fail('split() must be the last function in a chain (it returns an array, not a string)');
  let current = value;
  for (const [fn, m] of stack) {
    const r = fn.run(current, m, ctx);
    if (!r.ok) return r;
    current = r.value;
  }
  return { ok: true, value: current };
}

function evaluate(data: string, ctx: InterpolationContext): Result {
  const [path = '', ...functions] = data.split('|').map((s) => s.trim());
  const a = access(path, ctx);
  if (!a.ok) return a;
  if (functions.length > MAX_FUNCTIONS) return fail('too many functions in interpolation block');
  return runFunctions(functions, a.value, ctx);
}

function skipped(data: string): boolean {
  return SKIP_CONTEXTS.has(data.split('|')[0]!.trim().split('.')[0]!);
}

/** Evaluates the inside of one `$[[ ... ]]` block; throws ProblemsError with GitLab's text. */
export function evaluateBlock(data: string, ctx: InterpolationContext): unknown {
  const r = evaluate(data, ctx);
  if (!r.ok) throw stopWith(r.errors);
  return r.value;
}

class Template {
  private readonly blocks = new Map<string, Result>();
  private nodes = 0;
  private output = 0;
  /** The errors and block that stopped the walk (it unwinds with a ProblemsError). */
  stopped?: { readonly errors: readonly string[]; readonly block?: string };
  constructor(private readonly ctx: InterpolationContext) {}

  private stop(errors: readonly string[], block?: string): never {
    this.stopped = { errors, block };
    throw stopWith(errors);
  }

  private node(s: string): unknown {
    if (Buffer.byteLength(s) > MAX_NODE_BYTES) this.stop(['config node too large']);
    if (!s.includes(BLOCK_PREFIX)) return s;
    const matches = [...s.matchAll(BLOCK)];
    if (matches.length === 0) return s;
    const values: Array<[string, unknown]> = [];
    for (const m of matches) {
      const block = m[0];
      let r = this.blocks.get(block);
      if (!r) {
        r = skipped(m[1]!) ? { ok: true, value: block } : evaluate(m[1]!, this.ctx);
        this.blocks.set(block, r);
        if (this.blocks.size > MAX_BLOCKS) this.stop(['too many interpolation blocks']);
      }
      if (!r.ok) this.stop(r.errors, block);
      values.push([block, r.value]);
    }
    if (values.length === 1 && values[0]![0].length === s.length) return values[0]![1];
    let out = s;
    for (const [block, value] of values) out = out.split(block).join(rubyToS(value));
    this.output += out.length;
    if (this.output > MAX_OUTPUT_CHARS) this.stop(['config too large']);
    return out;
  }

  walk(n: unknown): unknown {
    if (++this.nodes > MAX_NODES) this.stop(['config too large']);
    if (typeof n === 'string') return this.node(n);
    if (Array.isArray(n)) return n.map((x) => this.walk(x));
    if (n && typeof n === 'object' && Object.getPrototypeOf(n) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(n)) {
        const key = this.walk(k);
        out[typeof key === 'string' ? key : rubyToS(key)] = this.walk(v);
      }
      return out;
    }
    // Tags such as !reference keep their own (uninterpolated) structure, as in GitLab.
    return n;
  }
}

export interface InterpolationResult {
  readonly value?: unknown;
  /** GitLab's errors; it reports the first three joined with ", ". */
  readonly errors: readonly string[];
  /** The block that failed, as written, to point at it in the file. */
  readonly block?: string;
}

/** Interpolates a content document and returns GitLab's errors as data. */
export function interpolateContent(document: unknown, ctx: InterpolationContext): InterpolationResult {
  const template = new Template(ctx);
  try {
    return { value: template.walk(document), errors: [] };
  } catch (e) {
    if (template.stopped) return { errors: template.stopped.errors, block: template.stopped.block };
    if (e instanceof RangeError) return { errors: ['config too large'] };
    throw e;
  }
}

/** Interpolates a document that must interpolate (a generated template); throws ProblemsError with GitLab's text. */
export function interpolate<T>(document: T, ctx: InterpolationContext): unknown {
  const r = interpolateContent(document, ctx);
  if (r.errors.length) throw stopWith(r.errors);
  return r.value;
}

/** True when the text contains an interpolation block (other than matrix). */
export function hasInterpolation(text: string): boolean {
  for (const m of text.matchAll(BLOCK)) if (!skipped(m[1]!)) return true;
  return false;
}
